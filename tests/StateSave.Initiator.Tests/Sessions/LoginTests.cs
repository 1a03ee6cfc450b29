using StateSave.Initiator.Configuration;
using StateSave.Initiator.Login;
using StateSave.Initiator.Scsi;
using StateSave.Initiator.Sessions;
using StateSave.Initiator.Tests.TestSupport;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Scsi;
using StateSave.Target.Configuration;

namespace StateSave.Initiator.Tests.Sessions;

public sealed class LoginTests
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task Login_reaches_full_feature_phase_and_a_command_gets_GOOD(bool tcp)
    {
        await using TestTarget target = await TestTarget.StartAsync(tcp);
        await using IscsiSession session = await target.LoginAsync();
        var client = new ScsiClient(session, LogicalUnitNumber.Zero);
        StandardInquiryData inquiry = await client.InquiryAsync();
        Assert.Multiple(() =>
        {
            Assert.That(session.State, Is.EqualTo(SessionState.LoggedIn));
            Assert.That(session.Tsih, Is.Not.Zero);
            Assert.That(session.Parameters.ErrorRecoveryLevel, Is.Zero);
            Assert.That(session.Parameters.MaxConnections, Is.EqualTo(1));
            Assert.That(inquiry.VendorIdentification, Is.EqualTo("STATESAV"));
            Assert.That(inquiry.PeripheralDeviceType, Is.Zero);
        });
    }

    [Test]
    public async Task Digests_are_negotiated_and_used()
    {
        await using TestTarget target = await TestTarget.StartAsync();
        var options = new InitiatorOptions { HeaderDigests = [DigestType.Crc32C, DigestType.None], DataDigests = [DigestType.Crc32C, DigestType.None] };
        await using IscsiSession session = await target.LoginAsync(options);
        var client = new ScsiClient(session, LogicalUnitNumber.Zero);
        byte[] data = new byte[128 * 512];
        BlockPattern.Fill(data, 10, 512, 7);
        Assert.That((await client.Write10Async(10, 128, data)).IsGood, Is.True);
        byte[] back = new byte[data.Length];
        Assert.That((await client.Read10Async(10, 128, back)).IsGood, Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(session.Parameters.HeaderDigest, Is.EqualTo(DigestType.Crc32C));
            Assert.That(session.Parameters.DataDigest, Is.EqualTo(DigestType.Crc32C));
            Assert.That(back, Is.EqualTo(data));
            Assert.That(session.ConnectionStatistics?.BytesReceived, Is.GreaterThan(data.Length), "Data-In with digests and headers");
            Assert.That(session.ConnectionStatistics?.BytesSent, Is.GreaterThan(data.Length), "immediate data or Data-Out");
            Assert.That(session.Statistics.PdusSent, Is.GreaterThanOrEqualTo(session.ConnectionStatistics?.PdusSent ?? long.MaxValue));
        });
    }

    [Test]
    public async Task Chap_one_way_logs_in()
    {
        await using TestTarget target = await TestTarget.StartAsync(chap: new ChapOptions { Username = "alice", Secret = "alice-secret-12" });
        await using IscsiSession session = await target.LoginAsync(new InitiatorOptions { Chap = new ChapCredentials { Username = "alice", Secret = "alice-secret-12" } });
        Assert.Multiple(() =>
        {
            Assert.That(session.State, Is.EqualTo(SessionState.LoggedIn));
            Assert.That(session.Parameters.AuthMethod, Is.EqualTo("CHAP"));
        });
    }

    [Test]
    public async Task Chap_mutual_logs_in_and_checks_the_target()
    {
        var chap = new ChapOptions { Username = "alice", Secret = "alice-secret-12", MutualUsername = "target-t", MutualSecret = "target-secret-1" };
        await using TestTarget target = await TestTarget.StartAsync(chap: chap);
        var credentials = new ChapCredentials { Username = "alice", Secret = "alice-secret-12", MutualUsername = "target-t", MutualSecret = "target-secret-1" };
        await using IscsiSession session = await target.LoginAsync(new InitiatorOptions { Chap = credentials });
        Assert.That(session.State, Is.EqualTo(SessionState.LoggedIn));
    }

    [Test]
    public async Task Chap_mutual_with_a_target_that_proves_the_wrong_secret_fails_locally()
    {
        var chap = new ChapOptions { Username = "alice", Secret = "alice-secret-12", MutualUsername = "target-t", MutualSecret = "other-secret-99" };
        await using TestTarget target = await TestTarget.StartAsync(chap: chap);
        var credentials = new ChapCredentials { Username = "alice", Secret = "alice-secret-12", MutualUsername = "target-t", MutualSecret = "target-secret-1" };
        IscsiLoginException error = Assert.ThrowsAsync<IscsiLoginException>(() => target.Initiator(new InitiatorOptions { Chap = credentials })
            .LoginAsync(target.Portal, TestTarget.TargetName))!;
        Assert.Multiple(() =>
        {
            Assert.That(error.IsTargetStatus, Is.False);
            Assert.That(error.IsAuthenticationFailure, Is.True);
        });
    }

    [Test]
    public async Task Chap_with_a_wrong_secret_gets_the_targets_authentication_failure()
    {
        await using TestTarget target = await TestTarget.StartAsync(chap: new ChapOptions { Username = "alice", Secret = "alice-secret-12" });
        var initiator = target.Initiator(new InitiatorOptions { Chap = new ChapCredentials { Username = "alice", Secret = "wrong-secret-00" } });
        IscsiLoginException error = Assert.ThrowsAsync<IscsiLoginException>(() => initiator.LoginAsync(target.Portal, TestTarget.TargetName))!;
        Assert.Multiple(() =>
        {
            Assert.That(error.IsTargetStatus, Is.True);
            Assert.That(error.StatusClass, Is.EqualTo(LoginStatusClass.InitiatorError));
            Assert.That(error.StatusDetail, Is.EqualTo(0x01));
        });
    }

    [Test]
    public async Task Unknown_target_name_gets_a_typed_not_found_failure()
    {
        await using TestTarget target = await TestTarget.StartAsync();
        IscsiLoginException error = Assert.ThrowsAsync<IscsiLoginException>(() => target.Initiator().LoginAsync(target.Portal, "iqn.2026-11.org.statesave:nobody"))!;
        Assert.That(error.Status, Is.EqualTo(LoginStatus.NotFound));
    }

    [Test]
    public async Task Redirection_is_followed_to_the_new_portal()
    {
        await using TestTarget real = await TestTarget.StartAsync(tcp: true);
        int port = ((System.Net.IPEndPoint)real.Portal).Port;
        await using TestTarget redirector = await TestTarget.StartAsync(tcp: true, redirectTo: $"127.0.0.1:{port},1");
        await using IscsiSession session = await redirector.LoginAsync();
        Assert.Multiple(() =>
        {
            Assert.That(session.State, Is.EqualTo(SessionState.LoggedIn));
            Assert.That(real.Server.LocalEndPoints, Has.Count.EqualTo(1));
        });
        var client = new ScsiClient(session, LogicalUnitNumber.Zero);
        Assert.That((await client.TestUnitReadyAsync()).IsGood, Is.True);
    }

    [Test]
    public async Task Discovery_lists_the_target_and_its_portal()
    {
        await using TestTarget target = await TestTarget.StartAsync(tcp: true);
        var discovered = await target.Initiator().DiscoverAsync(target.Portal);
        Assert.That(discovered, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(discovered[0].Name, Is.EqualTo(TestTarget.TargetName));
            Assert.That(discovered[0].Addresses, Is.Not.Empty);
            Assert.That(discovered[0].Addresses[0].Port, Is.EqualTo(((System.Net.IPEndPoint)target.Portal).Port));
        });
    }

    [Test]
    public async Task Discovery_and_login_over_IPv6_loopback()
    {
        if (!System.Net.Sockets.Socket.OSSupportsIPv6)
        {
            Assert.Ignore("IPv6 is not available on this machine.");
        }

        await using TestTarget target = await TestTarget.StartAsync(tcp: true, address: System.Net.IPAddress.IPv6Loopback);
        var discovered = await target.Initiator().DiscoverAsync(target.Portal);
        Discovery.TargetPortalAddress address = discovered.Single().Addresses.Single();
        await using IscsiSession session = await target.Initiator().LoginAsync(address.ToEndPoint(), TestTarget.TargetName);
        Assert.Multiple(() =>
        {
            Assert.That(address.Host, Is.EqualTo("::1"));
            Assert.That(address.ToString(), Does.StartWith("[::1]:"));
            Assert.That(session.State, Is.EqualTo(SessionState.LoggedIn));
        });
    }

    [Test]
    public async Task Logout_closes_the_session_and_later_commands_report_SessionClosed()
    {
        await using TestTarget target = await TestTarget.StartAsync();
        IscsiSession session = await target.LoginAsync();
        LogoutResponseCode code = await session.LogoutAsync();
        var response = await new ScsiClient(session, LogicalUnitNumber.Zero).TestUnitReadyAsync();
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(LogoutResponseCode.ClosedSuccessfully));
            Assert.That(session.State, Is.EqualTo(SessionState.Closed));
            Assert.That(response.Outcome, Is.EqualTo(StateSave.Initiator.Commands.CommandOutcome.SessionClosed));
        });
        await session.DisposeAsync();
    }
}
