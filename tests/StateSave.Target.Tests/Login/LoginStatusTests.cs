using System.Buffers;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Target.Configuration;
using StateSave.Target.Security;
using StateSave.Target.Tests.TestSupport;

namespace StateSave.Target.Tests.Login;

/// <summary>Login outcomes and their status class/detail (RFC 7143 §11.13.5), over an in-memory connection.</summary>
[TestFixture]
public sealed class LoginStatusTests
{
    [Test]
    public async Task A_normal_login_reaches_the_full_feature_phase_with_a_tsih_and_the_targets_declarations()
    {
        var device = new RamDiskDevice();
        await using InMemoryTarget target = InMemoryTarget.Start(device);
        await using TestInitiator initiator = await target.ConnectAsync();
        (LoginResponsePdu response, IReadOnlyList<TextKeyValue> pairs) = await initiator.LoginAsync(InMemoryTarget.TargetName);
        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(LoginStatus.Success));
            Assert.That(response.Transit, Is.True);
            Assert.That(response.NextStage, Is.EqualTo(LoginStage.FullFeaturePhase));
            Assert.That(response.Tsih, Is.Not.Zero);
            Assert.That(response.ExpCmdSN, Is.EqualTo(initiator.CmdSN));
            Assert.That(pairs, Does.Contain(new TextKeyValue("TargetPortalGroupTag", "1")));
            Assert.That(pairs, Does.Contain(new TextKeyValue("MaxRecvDataSegmentLength", "262144")));
            Assert.That(device.Events, Has.Some.StartsWith($"nexus+ {TestInitiator.InitiatorName},i,0x"));
        });
    }

    [Test]
    public async Task A_session_beyond_MaxSessions_is_out_of_resources_and_the_others_keep_working()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice(),
            limits: new SessionLimits { MaxSessions = 2, NopInInterval = TimeSpan.Zero });
        var sessions = new List<TestInitiator>();
        try
        {
            for (ushort i = 0; i < 3; i++)
            {
                TestInitiator initiator = await target.ConnectAsync();
                initiator.Isid = Isid.FromFields(Isid.TypeRandom, 0, 0x1234, 0x56, i);
                sessions.Add(initiator);
            }

            LoginStatus first = (await sessions[0].LoginAsync(InMemoryTarget.TargetName)).Response.Status;
            LoginStatus second = (await sessions[1].LoginAsync(InMemoryTarget.TargetName)).Response.Status;
            LoginStatus third = (await sessions[2].LoginAsync(InMemoryTarget.TargetName)).Response.Status;
            var ping = new NopOutPdu { InitiatorTaskTag = 7, TargetTransferTag = ReservedTag.Value, CmdSN = sessions[0].CmdSN, Immediate = true };
            await sessions[0].SendAsync(ping);
            ReceivedPdu? echo = await sessions[0].ReceiveAsync();
            Assert.Multiple(() =>
            {
                Assert.That(first, Is.EqualTo(LoginStatus.Success));
                Assert.That(second, Is.EqualTo(LoginStatus.Success));
                Assert.That(third, Is.EqualTo(LoginStatus.OutOfResources));
                Assert.That(echo?.As<NopInPdu>().InitiatorTaskTag, Is.EqualTo(7u));
            });
        }
        finally
        {
            foreach (TestInitiator initiator in sessions)
            {
                await initiator.DisposeAsync();
            }
        }
    }

    [Test]
    public async Task Unknown_target_is_not_found()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice());
        await using TestInitiator initiator = await target.ConnectAsync();
        (LoginResponsePdu response, _) = await initiator.LoginAsync("iqn.2026-11.org.statesave:nobody");
        Assert.That(response.Status, Is.EqualTo(LoginStatus.NotFound));
        Assert.That(await initiator.ReceiveAsync(TimeSpan.FromSeconds(2)), Is.Null, "the target closes after a failed login");
    }

    [Test]
    public async Task Missing_initiator_name_is_missing_parameter()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice());
        await using TestInitiator initiator = await target.ConnectAsync();
        await initiator.SendAsync(new LoginRequestPdu
        {
            Transit = true, CurrentStage = LoginStage.LoginOperationalNegotiation, NextStage = LoginStage.FullFeaturePhase,
            Isid = initiator.Isid, InitiatorTaskTag = 1, CmdSN = 1,
            DataSegment = new ReadOnlySequence<byte>(TextCodec.Encode([new TextKeyValue("TargetName", InMemoryTarget.TargetName)])),
        });
        ReceivedPdu? reply = await initiator.ReceiveAsync();
        Assert.That(reply!.As<LoginResponsePdu>().Status, Is.EqualTo(LoginStatus.MissingParameter));
    }

    [Test]
    public async Task A_version_above_zero_is_unsupported()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice());
        await using TestInitiator initiator = await target.ConnectAsync();
        await initiator.SendAsync(new LoginRequestPdu
        {
            Transit = true, CurrentStage = LoginStage.LoginOperationalNegotiation, NextStage = LoginStage.FullFeaturePhase,
            VersionMax = 2, VersionMin = 1, Isid = initiator.Isid, InitiatorTaskTag = 1, CmdSN = 1,
            DataSegment = new ReadOnlySequence<byte>(TextCodec.Encode([new TextKeyValue("InitiatorName", TestInitiator.InitiatorName)])),
        });
        ReceivedPdu? reply = await initiator.ReceiveAsync();
        Assert.That(reply!.As<LoginResponsePdu>().Status, Is.EqualTo(LoginStatus.UnsupportedVersion));
    }

    [Test]
    public async Task An_initiator_not_on_the_access_list_is_an_authorization_failure()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice(), allowed: ["iqn.2026-11.org.statesave:someone-else"]);
        await using TestInitiator initiator = await target.ConnectAsync();
        (LoginResponsePdu response, _) = await initiator.LoginAsync(InMemoryTarget.TargetName);
        Assert.That(response.Status, Is.EqualTo(LoginStatus.AuthorizationFailure));
    }

    [Test]
    public async Task A_tsih_that_names_no_session_is_session_does_not_exist()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice());
        await using TestInitiator initiator = await target.ConnectAsync();
        (LoginResponsePdu response, _) = await initiator.LoginAsync(InMemoryTarget.TargetName, tsih: 0x4242);
        Assert.That(response.Status, Is.EqualTo(LoginStatus.SessionDoesNotExist));
    }

    [Test]
    public async Task A_redirected_target_answers_moved_temporarily_with_the_new_address()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice(), redirectTo: "192.0.2.7:3260,1");
        await using TestInitiator initiator = await target.ConnectAsync();
        (LoginResponsePdu response, IReadOnlyList<TextKeyValue> pairs) = await initiator.LoginAsync(InMemoryTarget.TargetName);
        Assert.That(response.Status, Is.EqualTo(LoginStatus.TargetMovedTemporarily));
        Assert.That(pairs, Is.EqualTo(new[] { new TextKeyValue("TargetAddress", "192.0.2.7:3260,1") }));
    }

    [Test]
    public async Task A_second_login_with_the_same_isid_reinstates_the_session()
    {
        var device = new RamDiskDevice();
        await using InMemoryTarget target = InMemoryTarget.Start(device);
        await using TestInitiator first = await target.ConnectAsync();
        (LoginResponsePdu one, _) = await first.LoginAsync(InMemoryTarget.TargetName);
        await using TestInitiator second = await target.ConnectAsync();
        (LoginResponsePdu two, _) = await second.LoginAsync(InMemoryTarget.TargetName);
        Assert.Multiple(() =>
        {
            Assert.That(two.Status, Is.EqualTo(LoginStatus.Success));
            Assert.That(two.Tsih, Is.Not.EqualTo(one.Tsih));
            Assert.That(device.Events, Has.Some.StartsWith("nexus- "), "the old session's I_T nexus is lost");
        });
        Assert.That(await first.ReceiveAsync(TimeSpan.FromSeconds(2)), Is.Null, "the old connection is closed");
    }

    [Test]
    public async Task Skipping_security_negotiation_when_chap_is_required_is_an_authentication_failure()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice(), new ChapOptions { Username = "user", Secret = "secret-secret" });
        await using TestInitiator initiator = await target.ConnectAsync();
        (LoginResponsePdu response, _) = await initiator.LoginAsync(InMemoryTarget.TargetName);
        Assert.That(response.Status, Is.EqualTo(LoginStatus.AuthenticationFailure));
    }
}
