using System.Buffers;
using System.Globalization;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Target.Configuration;
using StateSave.Target.Security;
using StateSave.Target.Tests.TestSupport;

namespace StateSave.Target.Tests.Security;

/// <summary>CHAP in the security negotiation stage (RFC 7143 §12.1.3): one-way, mutual, and the failures.</summary>
[TestFixture]
public sealed class ChapLoginTests
{
    private static readonly ChapOptions Credentials = new()
    {
        Username = "alice", Secret = "alice-secret-12", MutualUsername = "target", MutualSecret = "target-secret-34",
    };

    [Test]
    public async Task One_way_chap_with_the_right_secret_logs_in()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice(), Credentials);
        await using TestInitiator initiator = await target.ConnectAsync();
        (byte id, byte[] challenge) = await StartChapAsync(initiator);
        LoginResponsePdu response = await SendSecurityAsync(initiator, transit: true,
            new("CHAP_N", "alice"), new("CHAP_R", ChapBinary.EncodeHex(ChapAuthenticator.Response(id, "alice-secret-12", challenge))));
        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(LoginStatus.Success));
            Assert.That(response.Transit, Is.True);
            Assert.That(response.NextStage, Is.EqualTo(LoginStage.LoginOperationalNegotiation));
        });
    }

    [Test]
    public async Task A_wrong_response_is_an_authentication_failure()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice(), Credentials);
        await using TestInitiator initiator = await target.ConnectAsync();
        (byte id, byte[] challenge) = await StartChapAsync(initiator);
        LoginResponsePdu response = await SendSecurityAsync(initiator, transit: true,
            new("CHAP_N", "alice"), new("CHAP_R", ChapBinary.EncodeHex(ChapAuthenticator.Response(id, "wrong-secret", challenge))));
        Assert.That(response.Status, Is.EqualTo(LoginStatus.AuthenticationFailure));
    }

    [Test]
    public async Task Mutual_chap_returns_the_targets_response_to_the_initiators_challenge()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice(), Credentials);
        await using TestInitiator initiator = await target.ConnectAsync();
        (byte id, byte[] challenge) = await StartChapAsync(initiator);
        byte[] ourChallenge = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
        (LoginResponsePdu response, IReadOnlyList<TextKeyValue> pairs) = await SendSecurityWithPairsAsync(initiator, transit: true,
            new("CHAP_N", "alice"), new("CHAP_R", ChapBinary.EncodeHex(ChapAuthenticator.Response(id, "alice-secret-12", challenge))),
            new("CHAP_I", "77"), new("CHAP_C", ChapBinary.EncodeHex(ourChallenge)));
        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(LoginStatus.Success));
            Assert.That(pairs, Does.Contain(new TextKeyValue("CHAP_N", "target")));
            Assert.That(pairs, Does.Contain(new TextKeyValue("CHAP_R", ChapBinary.EncodeHex(ChapAuthenticator.Response(77, "target-secret-34", ourChallenge)))));
        });
    }

    [Test]
    public async Task A_reflected_challenge_is_an_authentication_failure()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice(), Credentials);
        await using TestInitiator initiator = await target.ConnectAsync();
        (byte id, byte[] challenge) = await StartChapAsync(initiator);
        LoginResponsePdu response = await SendSecurityAsync(initiator, transit: true,
            new("CHAP_N", "alice"), new("CHAP_R", ChapBinary.EncodeHex(ChapAuthenticator.Response(id, "alice-secret-12", challenge))),
            new("CHAP_I", "5"), new("CHAP_C", ChapBinary.EncodeHex(challenge)));
        Assert.That(response.Status, Is.EqualTo(LoginStatus.AuthenticationFailure));
    }

    [Test]
    public async Task Offering_only_none_to_a_chap_target_fails_on_transit()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice(), Credentials);
        await using TestInitiator initiator = await target.ConnectAsync();
        LoginResponsePdu response = await SendSecurityAsync(initiator, transit: true,
            new("InitiatorName", TestInitiator.InitiatorName), new("TargetName", InMemoryTarget.TargetName), new("AuthMethod", "None"));
        Assert.That(response.Status, Is.EqualTo(LoginStatus.AuthenticationFailure));
    }

    [Test]
    public void Md5_response_matches_rfc_1994()
    {
        // MD5(0x01 || "secret" || 0x00..0x0f), computed independently.
        byte[] challenge = [.. Enumerable.Range(0, 16).Select(i => (byte)i)];
        byte[] input = [0x01, .. "secret"u8.ToArray(), .. challenge];
#pragma warning disable CA5351 // the CHAP definition
        byte[] expected = System.Security.Cryptography.MD5.HashData(input);
#pragma warning restore CA5351
        Assert.That(ChapAuthenticator.Response(1, "secret", challenge), Is.EqualTo(expected));
        Assert.That(ChapBinary.TryDecode("0b" + Convert.ToBase64String(challenge), out byte[] decoded), Is.True);
        Assert.That(decoded, Is.EqualTo(challenge));
        Assert.That(ChapBinary.TryDecode("0xabc", out byte[] odd) && odd.SequenceEqual(new byte[] { 0x0a, 0xbc }), Is.True);
    }

    private static async Task<(byte Id, byte[] Challenge)> StartChapAsync(TestInitiator initiator)
    {
        // libiscsi asks to transit in its first PDU; with CHAP agreed the target holds it in the stage (T=0).
        (LoginResponsePdu first, IReadOnlyList<TextKeyValue> agreed) = await SendSecurityWithPairsAsync(initiator, transit: true,
            new("InitiatorName", TestInitiator.InitiatorName), new("TargetName", InMemoryTarget.TargetName), new("SessionType", "Normal"),
            new("AuthMethod", "CHAP,None"));
        Assert.That((first.Status, first.Transit), Is.EqualTo((LoginStatus.Success, false)));
        Assert.That(agreed, Does.Contain(new TextKeyValue("AuthMethod", "CHAP")));
        (_, IReadOnlyList<TextKeyValue> pairs) = await SendSecurityWithPairsAsync(initiator, transit: false, new TextKeyValue("CHAP_A", "7,5"));
        Assert.That(pairs, Does.Contain(new TextKeyValue("CHAP_A", "5")));
        byte id = byte.Parse(pairs.Single(p => p.Key == "CHAP_I").Value, CultureInfo.InvariantCulture);
        Assert.That(ChapBinary.TryDecode(pairs.Single(p => p.Key == "CHAP_C").Value, out byte[] challenge), Is.True);
        Assert.That(challenge, Has.Length.GreaterThanOrEqualTo(16));
        return (id, challenge);
    }

    private static async Task<LoginResponsePdu> SendSecurityAsync(TestInitiator initiator, bool transit, params TextKeyValue[] pairs) =>
        (await SendSecurityWithPairsAsync(initiator, transit, pairs)).Response;

    private static async Task<(LoginResponsePdu Response, IReadOnlyList<TextKeyValue> Pairs)> SendSecurityWithPairsAsync(
        TestInitiator initiator, bool transit, params TextKeyValue[] pairs)
    {
        await initiator.SendAsync(new LoginRequestPdu
        {
            Transit = transit,
            CurrentStage = LoginStage.SecurityNegotiation,
            NextStage = transit ? LoginStage.LoginOperationalNegotiation : LoginStage.SecurityNegotiation,
            Isid = initiator.Isid,
            InitiatorTaskTag = 1,
            CmdSN = initiator.CmdSN,
            ExpStatSN = initiator.ExpStatSN,
            DataSegment = new ReadOnlySequence<byte>(TextCodec.Encode(pairs)),
        });
        ReceivedPdu reply = await initiator.ReceiveAsync() ?? throw new InvalidOperationException("no Login Response");
        LoginResponsePdu response = reply.As<LoginResponsePdu>();
        initiator.ExpStatSN = response.StatSN + 1;
        return (response, TextCodec.Decode(reply.Data));
    }
}
