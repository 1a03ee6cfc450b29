using StateSave.Initiator.Commands;
using StateSave.Initiator.Configuration;
using StateSave.Initiator.Scsi;
using StateSave.Initiator.Sessions;
using StateSave.Initiator.Tests.TestSupport;
using StateSave.Scsi;

namespace StateSave.Initiator.Tests.Sessions;

public sealed class RecoveryTests
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task Commands_in_flight_when_the_connection_is_cut_complete_GOOD_after_reinstatement(bool tcp)
    {
        await using TestTarget target = await TestTarget.StartAsync(tcp, blocks: 16384);
        var states = new List<SessionState>();
        await using IscsiSession session = await target.LoginAsync(new InitiatorOptions { QueueDepth = 8 });
        session.StateChanged += (_, e) => { lock (states) { states.Add(e.NewState); } };
        ushort firstTsih = session.Tsih;
        var client = new ScsiClient(session, LogicalUnitNumber.Zero);
        const int ios = 400;
        var responses = new ScsiCommandResponse[ios];
        var work = new List<Task>();
        int next = -1;
        for (int w = 0; w < 8; w++)
        {
            work.Add(Task.Run(async () =>
            {
                byte[] buffer = new byte[32 * 512];
                int i;
                while ((i = Interlocked.Increment(ref next)) < ios)
                {
                    ulong lba = (ulong)(i % 512) * 32;
                    BlockPattern.Fill(buffer, lba, 512, 99);
                    responses[i] = await client.Write16Async(lba, 32, buffer);
                }
            }));
        }

        await Task.Delay(20);
        session.AbortConnection("test: cable pulled");
        await Task.WhenAll(work);

        byte[] back = new byte[ios * 32 * 512];
        ScsiCommandResponse read = await client.Read16Async(0, ios * 32, back);
        Assert.Multiple(() =>
        {
            Assert.That(responses.All(r => r.IsGood), Is.True, string.Join(", ", responses.Where(r => !r.IsGood).Select(r => r.ToString()).Distinct()));
            Assert.That(read.IsGood, Is.True);
            Assert.That(BlockPattern.FirstMismatch(back, 0, 512, 99), Is.Null);
            Assert.That(session.State, Is.EqualTo(SessionState.LoggedIn));
            Assert.That(session.Statistics.Reconnects, Is.EqualTo(1));
            Assert.That(session.Statistics.ConnectionsLost, Is.EqualTo(1));
            Assert.That(session.Tsih, Is.Not.Zero);
        });
        lock (states)
        {
            Assert.That(states, Is.EqualTo(new[] { SessionState.Recovering, SessionState.LoggedIn }));
        }

        TestContext.Out.WriteLine($"TSIH {firstTsih} -> {session.Tsih}");
    }

    [Test]
    public async Task With_recovery_disabled_a_lost_connection_fails_the_session_and_its_commands()
    {
        await using TestTarget target = await TestTarget.StartAsync();
        await using IscsiSession session = await target.LoginAsync(new InitiatorOptions { Recovery = new RecoveryOptions { Enabled = false } });
        session.AbortConnection("test");
        for (int i = 0; i < 200 && session.State != SessionState.Failed; i++)
        {
            await Task.Delay(10);
        }

        ScsiCommandResponse r = await new ScsiClient(session, LogicalUnitNumber.Zero).TestUnitReadyAsync();
        Assert.Multiple(() =>
        {
            Assert.That(session.State, Is.EqualTo(SessionState.Failed));
            Assert.That(r.Outcome, Is.EqualTo(CommandOutcome.SessionFailed));
            Assert.That(r.IsGood, Is.False);
        });
    }

    [Test]
    public async Task Reinstatement_gives_up_after_max_attempts_when_the_target_is_gone()
    {
        TestTarget target = await TestTarget.StartAsync(tcp: true);
        var options = new InitiatorOptions
        {
            Recovery = new RecoveryOptions { MaxAttempts = 3, InitialBackoff = TimeSpan.FromMilliseconds(10), MaxBackoff = TimeSpan.FromMilliseconds(40) },
            LoginTimeout = TimeSpan.FromSeconds(2),
        };
        await using IscsiSession session = await target.LoginAsync(options);
        await target.DisposeAsync();
        for (int i = 0; i < 500 && session.State != SessionState.Failed; i++)
        {
            await Task.Delay(10);
        }

        Assert.That(session.State, Is.EqualTo(SessionState.Failed));
    }

    [Test]
    public void Backoff_doubles_up_to_the_cap()
    {
        var recovery = new RecoveryOptions { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromMilliseconds(500) };
        Assert.That(Enumerable.Range(0, 5).Select(recovery.BackoffFor).Select(t => t.TotalMilliseconds), Is.EqualTo(new double[] { 100, 200, 400, 500, 500 }));
    }
}
