using StateSave.Initiator.Commands;
using StateSave.Initiator.Configuration;
using StateSave.Initiator.Scsi;
using StateSave.Initiator.Sessions;
using StateSave.Initiator.Tests.TestSupport;
using StateSave.Iscsi.Negotiation;
using StateSave.Scsi;

namespace StateSave.Initiator.Tests.Sessions;

public sealed class DataPathTests
{
    private const int Block = TestTarget.BlockLength;

    [Test]
    [CancelAfter(170_000)]
    public async Task One_GiB_over_loopback_TCP_at_queue_depth_16_reads_back_intact()
    {
        // The same check as against tgt (Interop/TgtInteropTests): every block of 1 GiB written once in random order
        // with an LBA-stamped pattern, then read back and verified.
        const long size = 1L << 30;
        const int ioBlocks = 512; // 256 KiB per command
        const int ios = (int)(size / (ioBlocks * Block));
        await using TestTarget target = await TestTarget.StartAsync(tcp: true, blocks: (ulong)(size / Block));
        await using IscsiSession session = await target.LoginAsync(new InitiatorOptions { QueueDepth = 16 });
        var client = new ScsiClient(session, LogicalUnitNumber.Zero);
        int[] order = [.. Enumerable.Range(0, ios).OrderBy(_ => Random.Shared.Next())];
        const uint seed = 0x1_61b;
        long bytesBefore = session.Statistics.BytesRead;

        await RunAsync(16, ios, async (i, buffer) =>
        {
            ulong lba = (ulong)order[i] * ioBlocks;
            BlockPattern.Fill(buffer.Span, lba, Block, seed);
            ScsiCommandResponse r = await client.Write16Async(lba, ioBlocks, buffer);
            Assert.That(r.IsGood, Is.True, r.ToString());
        }, ioBlocks * Block);
        int bad = 0;
        await RunAsync(16, ios, async (i, buffer) =>
        {
            ulong lba = (ulong)i * ioBlocks;
            ScsiCommandResponse r = await client.Read16Async(lba, ioBlocks, buffer);
            if (!r.IsGood || BlockPattern.FirstMismatch(buffer.Span, lba, Block, seed) is not null)
            {
                Interlocked.Increment(ref bad);
            }
        }, ioBlocks * Block);

        Assert.That(bad, Is.Zero);
        Assert.That(session.Statistics.BytesWritten, Is.EqualTo(size));
        Assert.That(session.Statistics.BytesRead - bytesBefore, Is.EqualTo(size));
    }

    [Test]
    public async Task Sixty_four_MiB_at_queue_depth_16_on_random_offsets_reads_back_intact()
    {
        const int ioBlocks = 128; // 64 KiB per command
        const int ios = 1024;     // 64 MiB
        const ulong slots = 4096;
        await using TestTarget target = await TestTarget.StartAsync(tcp: true, blocks: slots * ioBlocks);
        var options = new InitiatorOptions
        {
            QueueDepth = 16,
            HeaderDigests = [DigestType.Crc32C],
            DataDigests = [DigestType.Crc32C],
        };
        await using IscsiSession session = await target.LoginAsync(options);
        var client = new ScsiClient(session, LogicalUnitNumber.Zero);
        long errorsBefore = session.Statistics.Errors;
        ulong[] lbas = Enumerable.Range(0, (int)slots).OrderBy(_ => Random.Shared.Next()).Take(ios).Select(s => (ulong)s * ioBlocks).ToArray();
        const uint seed = 0x5eed;

        await RunAsync(16, ios, async (i, buffer) =>
        {
            BlockPattern.Fill(buffer.Span, lbas[i], Block, seed);
            ScsiCommandResponse r = await client.Write16Async(lbas[i], ioBlocks, buffer);
            Assert.That(r.IsGood, Is.True, r.ToString());
        });
        int bad = 0;
        await RunAsync(16, ios, async (i, buffer) =>
        {
            ScsiCommandResponse r = await client.Read16Async(lbas[i], ioBlocks, buffer);
            if (!r.IsGood || r.DataInLength != buffer.Length || BlockPattern.FirstMismatch(buffer.Span, lbas[i], Block, seed) is not null)
            {
                Interlocked.Increment(ref bad);
            }
        });

        SessionStatistics stats = session.Statistics;
        Assert.Multiple(() =>
        {
            Assert.That(bad, Is.Zero);
            Assert.That(stats.BytesWritten, Is.EqualTo((long)ios * ioBlocks * Block));
            Assert.That(stats.BytesRead, Is.GreaterThanOrEqualTo((long)ios * ioBlocks * Block));
            Assert.That(stats.Errors, Is.EqualTo(errorsBefore));
        });
    }

    [Test]
    public async Task With_InitialR2T_Yes_and_ImmediateData_No_every_byte_goes_by_R2T()
    {
        await using TestTarget target = await TestTarget.StartAsync();
        await using IscsiSession session = await target.LoginAsync(new InitiatorOptions { InitialR2T = true, ImmediateData = false, MaxOutstandingR2T = 2 });
        var client = new ScsiClient(session, LogicalUnitNumber.Zero);
        byte[] data = new byte[2 * 1024 * 1024];
        BlockPattern.Fill(data, 100, Block, 3);
        long r2tsBefore = session.Statistics.R2TsReceived;
        Assert.That((await client.Write16Async(100, (uint)(data.Length / Block), data)).IsGood, Is.True);
        byte[] back = new byte[data.Length];
        Assert.That((await client.Read16Async(100, (uint)(data.Length / Block), back)).IsGood, Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(session.Parameters.InitialR2T, Is.True);
            Assert.That(session.Parameters.ImmediateData, Is.False);
            Assert.That(session.Statistics.R2TsReceived - r2tsBefore, Is.GreaterThanOrEqualTo(data.Length / session.Parameters.MaxBurstLength));
            Assert.That(BlockPattern.FirstMismatch(back, 100, Block, 3), Is.Null);
        });
    }

    [TestCase(true, 256 * 1024, 0, TestName = "Immediate data carries a whole first burst: no R2T")]
    [TestCase(false, 256 * 1024, 0, TestName = "Unsolicited Data-Out carries a whole first burst: no R2T")]
    [TestCase(true, 1024 * 1024, 1, TestName = "Immediate data then R2Ts beyond FirstBurstLength")]
    [TestCase(false, 1024 * 1024, 1, TestName = "Unsolicited Data-Out then R2Ts beyond FirstBurstLength")]
    public async Task Writes_with_InitialR2T_No_send_the_first_burst_unsolicited(bool immediateData, int length, int minimumR2Ts)
    {
        await using TestTarget target = await TestTarget.StartAsync();
        var options = new InitiatorOptions { InitialR2T = false, ImmediateData = immediateData, FirstBurstLength = 256 * 1024, MaxRecvDataSegmentLength = 65536 };
        await using IscsiSession session = await target.LoginAsync(options);
        var client = new ScsiClient(session, LogicalUnitNumber.Zero);
        byte[] data = new byte[length];
        BlockPattern.Fill(data, 7, Block, 11);
        long before = session.Statistics.R2TsReceived;
        Assert.That((await client.Write16Async(7, (uint)(length / Block), data)).IsGood, Is.True);
        long r2ts = session.Statistics.R2TsReceived - before;
        byte[] back = new byte[length];
        Assert.That((await client.Read16Async(7, (uint)(length / Block), back)).IsGood, Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(session.Parameters.InitialR2T, Is.False);
            Assert.That(session.Parameters.ImmediateData, Is.EqualTo(immediateData));
            Assert.That(session.Parameters.FirstBurstLength, Is.EqualTo(256 * 1024));
            Assert.That(r2ts, minimumR2Ts == 0 ? Is.Zero : Is.GreaterThanOrEqualTo(minimumR2Ts));
            Assert.That(BlockPattern.FirstMismatch(back, 7, Block, 11), Is.Null);
        });
    }

    [Test]
    public async Task A_short_transfer_reports_residual_underflow()
    {
        await using TestTarget target = await TestTarget.StartAsync();
        await using IscsiSession session = await target.LoginAsync();
        var client = new ScsiClient(session, LogicalUnitNumber.Zero);
        byte[] buffer = new byte[255];
        ScsiCommandResponse r = await client.ExecuteAsync([0x12, 0, 0, 0, 255, 0], buffer);
        Assert.Multiple(() =>
        {
            Assert.That(r.IsGood, Is.True);
            Assert.That(r.ResidualUnderflow, Is.True);
            Assert.That(r.ResidualCount, Is.EqualTo((uint)(255 - r.DataInLength)));
            Assert.That(r.DataInLength, Is.LessThan(255));
        });
    }

    [Test]
    public async Task A_buffer_shorter_than_the_transfer_reports_residual_overflow()
    {
        await using TestTarget target = await TestTarget.StartAsync();
        await using IscsiSession session = await target.LoginAsync();
        var client = new ScsiClient(session, LogicalUnitNumber.Zero);
        byte[] buffer = new byte[Block];
        ScsiCommandResponse r = await client.Read10Async(0, 8, buffer);
        Assert.Multiple(() =>
        {
            Assert.That(r.Outcome, Is.EqualTo(CommandOutcome.Completed));
            Assert.That(r.ResidualOverflow, Is.True);
            Assert.That(r.ResidualCount, Is.EqualTo(7u * Block));
            Assert.That(r.DataInLength, Is.LessThanOrEqualTo(Block));
        });
    }

    [Test]
    public async Task Check_condition_carries_decoded_sense()
    {
        await using TestTarget target = await TestTarget.StartAsync(blocks: 1024);
        await using IscsiSession session = await target.LoginAsync();
        var client = new ScsiClient(session, LogicalUnitNumber.Zero);
        long errorsBefore = session.Statistics.Errors;
        ScsiCommandResponse r = await client.Read10Async(5000, 1, new byte[Block]);
        Assert.Multiple(() =>
        {
            Assert.That(r.Status, Is.EqualTo(ScsiStatus.CheckCondition));
            Assert.That(r.Sense?.SenseKey, Is.EqualTo(SenseKey.IllegalRequest));
            Assert.That(r.Sense?.AdditionalSenseCode, Is.EqualTo(AdditionalSenseCode.LogicalBlockAddressOutOfRange));
            Assert.That(session.Statistics.Errors, Is.EqualTo(errorsBefore + 1));
        });
    }

    private static async Task RunAsync(int depth, int count, Func<int, Memory<byte>, Task> io, int bufferBytes = 128 * Block)
    {
        int next = -1;
        var workers = new Task[depth];
        for (int w = 0; w < depth; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                Memory<byte> buffer = new byte[bufferBytes];
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    await io(i, buffer);
                }
            });
        }

        await Task.WhenAll(workers);
    }
}
