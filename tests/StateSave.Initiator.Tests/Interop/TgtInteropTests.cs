using System.Diagnostics;
using StateSave.Initiator.Commands;
using StateSave.Initiator.Configuration;
using StateSave.Initiator.Login;
using StateSave.Initiator.Scsi;
using StateSave.Initiator.Sessions;
using StateSave.Initiator.Tests.TestSupport;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Scsi;

namespace StateSave.Initiator.Tests.Interop;

/// <summary>The initiator against tgt (Linux SCSI target framework): discovery, login, CHAP, data integrity, TMF, recovery, logout.</summary>
[Category("Interop")]
[NonParallelizable]
public sealed class TgtInteropTests
{
    private static readonly LogicalUnitNumber Lun1 = LogicalUnitNumber.FromSingleLevel(1);

    private static string Name(string suffix) => "iqn.2026-11.org.statesave.test:init-" + suffix;

    private static async Task<IscsiSession> LoginAsync(TgtTarget tgt, InitiatorOptions? options = null)
    {
        IscsiSession session = await new IscsiInitiator(options).LoginAsync(tgt.Portal, tgt.TargetName);
        await TestTarget.ClearUnitAttentionsAsync(session, 1);
        return session;
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Discovery_finds_the_tgt_target()
    {
        using TgtTarget tgt = TgtTarget.StartOrIgnore(Name("discovery"));
        var targets = await new IscsiInitiator().DiscoverAsync(tgt.Portal);
        Assert.That(targets.Select(t => t.Name), Does.Contain(tgt.TargetName));
        Assert.That(targets.Single(t => t.Name == tgt.TargetName).Addresses.Select(a => a.Port), Does.Contain(tgt.Port));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Login_with_digests_inquiry_capacity_and_io()
    {
        using TgtTarget tgt = TgtTarget.StartOrIgnore(Name("digests"));
        tgt.SetParameter("HeaderDigest", "CRC32C,None");
        tgt.SetParameter("DataDigest", "CRC32C,None");
        var options = new InitiatorOptions { HeaderDigests = [DigestType.Crc32C, DigestType.None], DataDigests = [DigestType.Crc32C, DigestType.None] };
        await using IscsiSession session = await LoginAsync(tgt, options);
        var client = new ScsiClient(session, Lun1);
        StandardInquiryData inquiry = await client.InquiryAsync();
        ReadCapacityData capacity = await client.ReadCapacity16Async();
        byte[] data = new byte[1024 * 1024];
        BlockPattern.Fill(data, 64, 512, 5);
        ScsiCommandResponse write = await client.Write10Async(64, (ushort)(data.Length / 512), data);
        byte[] back = new byte[data.Length];
        ScsiCommandResponse read = await client.Read10Async(64, (ushort)(back.Length / 512), back);
        Assert.Multiple(() =>
        {
            Assert.That(session.Parameters.HeaderDigest, Is.EqualTo(DigestType.Crc32C));
            Assert.That(session.Parameters.DataDigest, Is.EqualTo(DigestType.Crc32C));
            Assert.That(inquiry.VendorIdentification, Is.Not.Empty);
            Assert.That(capacity.BlockCount * capacity.BlockLength, Is.EqualTo(64UL << 20));
            Assert.That(write.IsGood, Is.True, write.ToString());
            Assert.That(read.IsGood, Is.True, read.ToString());
            Assert.That(BlockPattern.FirstMismatch(back, 64, 512, 5), Is.Null);
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_stock_target_answers_NotUnderstood_to_the_in_band_key_and_the_session_works_without_it()
    {
        using TgtTarget tgt = TgtTarget.StartOrIgnore(Name("inband"));
        await using IscsiSession session = await LoginAsync(tgt, new InitiatorOptions { InBandStateSave = true });
        var client = new ScsiClient(session, Lun1);
        ReadCapacityData capacity = await client.ReadCapacity16Async();
        Assert.That(session.InBandStateSave, Is.False);
        Assert.That(capacity.BlockLength, Is.EqualTo(512));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_target_answering_outside_the_offered_digest_list_fails_the_login_with_a_typed_error()
    {
        // tgt (by default allowing HeaderDigest=None only) answers None to an offer of CRC32C alone: not a value offered.
        using TgtTarget tgt = TgtTarget.StartOrIgnore(Name("digest-only"));
        var options = new InitiatorOptions { HeaderDigests = [DigestType.Crc32C] };
        IscsiLoginException error = Assert.ThrowsAsync<IscsiLoginException>(() => new IscsiInitiator(options).LoginAsync(tgt.Portal, tgt.TargetName))!;
        Assert.That(error.IsTargetStatus, Is.False);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Chap_one_way_mutual_and_a_wrong_secret()
    {
        using TgtTarget tgt = TgtTarget.StartOrIgnore(Name("chap"));
        tgt.RequireChap("init-user", "init-secret-123", "tgt-user", "tgt-secret-4567");
        var mutual = new ChapCredentials { Username = "init-user", Secret = "init-secret-123", MutualUsername = "tgt-user", MutualSecret = "tgt-secret-4567" };
        await using (IscsiSession session = await LoginAsync(tgt, new InitiatorOptions { Chap = mutual }))
        {
            Assert.That(session.State, Is.EqualTo(SessionState.LoggedIn));
        }

        await using (IscsiSession oneWay = await LoginAsync(tgt, new InitiatorOptions { Chap = new ChapCredentials { Username = "init-user", Secret = "init-secret-123" } }))
        {
            Assert.That(oneWay.Parameters.AuthMethod, Is.EqualTo("CHAP"));
        }

        var wrong = new InitiatorOptions { Chap = new ChapCredentials { Username = "init-user", Secret = "not-the-secret1" } };
        IscsiLoginException error = Assert.ThrowsAsync<IscsiLoginException>(() => new IscsiInitiator(wrong).LoginAsync(tgt.Portal, tgt.TargetName))!;
        Assert.That(error.StatusClass, Is.EqualTo(LoginStatusClass.InitiatorError));

        var badMutual = new InitiatorOptions { Chap = mutual with { MutualSecret = "not-tgt-secret1" } };
        IscsiLoginException local = Assert.ThrowsAsync<IscsiLoginException>(() => new IscsiInitiator(badMutual).LoginAsync(tgt.Portal, tgt.TargetName))!;
        Assert.Multiple(() =>
        {
            Assert.That(local.IsTargetStatus, Is.False);
            Assert.That(local.IsAuthenticationFailure, Is.True);
        });
    }

    [Test]
    [CancelAfter(170_000)]
    public async Task One_GiB_written_and_read_back_at_queue_depth_16()
    {
        const long size = 1L << 30;
        const int ioBytes = 256 * 1024;
        const int ios = (int)(size / ioBytes);
        using TgtTarget tgt = TgtTarget.StartOrIgnore(Name("gib"), size);
        await using IscsiSession session = await LoginAsync(tgt, new InitiatorOptions { QueueDepth = 16 });
        var client = new ScsiClient(session, Lun1);
        int[] order = Enumerable.Range(0, ios).OrderBy(_ => Random.Shared.Next()).ToArray();
        var clock = Stopwatch.StartNew();
        int bad = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 16), async (worker, _) =>
        {
            byte[] buffer = new byte[ioBytes];
            for (int i = worker; i < ios; i += 16)
            {
                ulong lba = (ulong)order[i] * (ioBytes / 512);
                BlockPattern.Fill(buffer, lba, 512, 0xC0FFEE);
                if (!(await client.Write16Async(lba, ioBytes / 512, buffer, CancellationToken.None)).IsGood)
                {
                    Interlocked.Increment(ref bad);
                }
            }
        });
        TimeSpan writing = clock.Elapsed;
        await Parallel.ForEachAsync(Enumerable.Range(0, 16), async (worker, _) =>
        {
            byte[] buffer = new byte[ioBytes];
            for (int i = worker; i < ios; i += 16)
            {
                ulong lba = (ulong)i * (ioBytes / 512);
                ScsiCommandResponse r = await client.Read16Async(lba, ioBytes / 512, buffer, CancellationToken.None);
                if (!r.IsGood || BlockPattern.FirstMismatch(buffer, lba, 512, 0xC0FFEE) is not null)
                {
                    Interlocked.Increment(ref bad);
                }
            }
        });
        TestContext.Out.WriteLine($"1 GiB to tgt: write {writing.TotalSeconds:F1} s, read {(clock.Elapsed - writing).TotalSeconds:F1} s; " +
            $"MaxBurstLength {session.Parameters.MaxBurstLength}, FirstBurstLength {session.Parameters.FirstBurstLength}, R2Ts {session.Statistics.R2TsReceived}");
        Assert.Multiple(() =>
        {
            Assert.That(bad, Is.Zero);
            Assert.That(session.Statistics.BytesWritten, Is.EqualTo(size));
            Assert.That(session.Statistics.BytesRead, Is.EqualTo(size));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Task_management_is_answered()
    {
        using TgtTarget tgt = TgtTarget.StartOrIgnore(Name("tmf"));
        await using IscsiSession session = await LoginAsync(tgt);
        TaskManagementResponse set = await session.AbortTaskSetAsync(Lun1);
        TaskManagementResponse reset = await session.LogicalUnitResetAsync(Lun1);
        TaskManagementResponse absent = await session.AbortTaskAsync(new InFlightCommand(0x7777, session.SequenceNumbers.CmdSN, Lun1, 0x28, true, 0));
        await TestTarget.ClearUnitAttentionsAsync(session, 1);
        ScsiCommandResponse after = await new ScsiClient(session, Lun1).TestUnitReadyAsync();
        Assert.Multiple(() =>
        {
            Assert.That(set, Is.EqualTo(TaskManagementResponse.FunctionComplete));
            Assert.That(reset, Is.EqualTo(TaskManagementResponse.FunctionComplete));
            Assert.That(absent, Is.AnyOf(TaskManagementResponse.TaskDoesNotExist, TaskManagementResponse.FunctionComplete));
            Assert.That(after.IsGood, Is.True);
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Recovery_reinstates_the_session_and_commands_finish_GOOD()
    {
        using TgtTarget tgt = TgtTarget.StartOrIgnore(Name("recovery"));
        await using IscsiSession session = await LoginAsync(tgt, new InitiatorOptions { QueueDepth = 8 });
        var client = new ScsiClient(session, Lun1);
        var work = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            byte[] buffer = new byte[64 * 1024];
            var results = new List<ScsiCommandResponse>();
            for (int i = 0; i < 40; i++)
            {
                ulong lba = (ulong)((w * 40) + i) * 128;
                BlockPattern.Fill(buffer, lba, 512, 77);
                results.Add(await client.Write16Async(lba, 128, buffer));
            }

            return results;
        })).ToArray();
        await Task.Delay(30);
        session.AbortConnection("test: cut");
        ScsiCommandResponse[] all = (await Task.WhenAll(work)).SelectMany(r => r).ToArray();
        byte[] back = new byte[320 * 64 * 1024];
        ScsiCommandResponse read = await client.Read16Async(0, 320 * 128, back);
        Assert.Multiple(() =>
        {
            Assert.That(all.All(r => r.IsGood), Is.True, string.Join(", ", all.Where(r => !r.IsGood).Select(r => r.ToString()).Distinct()));
            Assert.That(read.IsGood, Is.True, read.ToString());
            Assert.That(BlockPattern.FirstMismatch(back, 0, 512, 77), Is.Null);
            Assert.That(session.Statistics.Reconnects, Is.EqualTo(1));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Logout_is_answered()
    {
        using TgtTarget tgt = TgtTarget.StartOrIgnore(Name("logout"));
        IscsiSession session = await LoginAsync(tgt);
        LogoutResponseCode code = await session.LogoutAsync();
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(LogoutResponseCode.ClosedSuccessfully));
            Assert.That(session.State, Is.EqualTo(SessionState.Closed));
        });
        await session.DisposeAsync();
    }
}
