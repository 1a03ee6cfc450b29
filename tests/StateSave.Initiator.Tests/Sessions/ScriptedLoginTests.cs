using System.Buffers;
using StateSave.Initiator.Configuration;
using StateSave.Initiator.Connections;
using StateSave.Initiator.Login;
using StateSave.Initiator.Sessions;
using StateSave.Initiator.Tests.TestSupport;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;

namespace StateSave.Initiator.Tests.Sessions;

/// <summary>Login and Text corner cases against a scripted target: continuations (C bit), CHAP reflection.</summary>
public sealed class ScriptedLoginTests
{
    private static InitiatorOptions Options(ScriptedTarget target, ChapCredentials? chap = null) => new()
    {
        Transport = target.Network, LoginTimeout = TimeSpan.FromSeconds(3), LogoutDrainTimeout = TimeSpan.FromSeconds(1), Chap = chap,
    };

    private static LoginResponsePdu Response(ScriptedConnection c, LoginRequestPdu request, bool transit, LoginStage next, byte[] text,
        bool cont = false) => new()
    {
        Transit = transit, Continue = cont, CurrentStage = request.CurrentStage, NextStage = next, Isid = request.Isid, Tsih = 9,
        InitiatorTaskTag = request.InitiatorTaskTag, StatSN = c.StatSN++, ExpCmdSN = c.ExpCmdSN, MaxCmdSN = c.MaxCmdSN, Status = LoginStatus.Success,
        DataSegment = new ReadOnlySequence<byte>(text),
    };

    private static async Task<(LoginRequestPdu Request, IReadOnlyList<TextKeyValue> Pairs)> ReceiveLoginAsync(ScriptedConnection c)
    {
        RawPdu pdu = await c.ReceiveAsync(IscsiOpcode.LoginRequest);
        LoginRequestPdu request = pdu.As<LoginRequestPdu>();
        c.ExpCmdSN = request.CmdSN;
        return (request, TextCodec.Decode(pdu.Data.Span));
    }

    [Test]
    public async Task A_login_response_split_with_the_C_bit_is_reassembled()
    {
        bool sawEmptyContinuationRequest = false;
        await using var target = new ScriptedTarget(async c =>
        {
            var (first, _) = await ReceiveLoginAsync(c);
            byte[] text = TextCodec.Encode([new TextKeyValue("TargetAlias", "split-alias"), new TextKeyValue("TargetPortalGroupTag", "3")]);
            await c.SendAsync(Response(c, first, false, LoginStage.SecurityNegotiation, text[..7], cont: true));
            var (again, pairs) = await ReceiveLoginAsync(c);
            sawEmptyContinuationRequest = pairs.Count == 0 && !again.Transit;
            await c.SendAsync(Response(c, again, true, LoginStage.LoginOperationalNegotiation, text[7..]));
            var (operational, _) = await ReceiveLoginAsync(c);
            await c.SendAsync(Response(c, operational, true, LoginStage.FullFeaturePhase, []));
            await c.ServeAsync();
        });
        await using IscsiSession session = await new IscsiInitiator(Options(target)).LoginAsync(target.Portal, "iqn.2026-11.org.statesave:scripted");
        Assert.Multiple(() =>
        {
            Assert.That(sawEmptyContinuationRequest, Is.True);
            Assert.That(session.Parameters.TargetAlias, Is.EqualTo("split-alias"));
            Assert.That(session.Parameters.TargetPortalGroupTag, Is.EqualTo((ushort)3));
            Assert.That(target.Errors, Is.Empty);
        });
    }

    [Test]
    public async Task SendTargets_continued_over_several_Text_Responses_is_reassembled()
    {
        uint continuationTag = 0;
        await using var target = new ScriptedTarget(async c =>
        {
            await c.LoginAsync();
            RawPdu request = await c.ReceiveAsync(IscsiOpcode.TextRequest);
            byte[] text = TextCodec.Encode([
                new TextKeyValue("TargetName", "iqn.2026-11.org.statesave:one"), new TextKeyValue("TargetAddress", "10.1.1.1:3260,1"),
                new TextKeyValue("TargetName", "iqn.2026-11.org.statesave:two"), new TextKeyValue("TargetAddress", "[2001:db8::2]:3261,2"),
            ]);
            await c.SendAsync(new TextResponsePdu
            {
                Final = false, Continue = true, InitiatorTaskTag = request.InitiatorTaskTag, TargetTransferTag = 0x55, StatSN = c.StatSN++,
                ExpCmdSN = c.ExpCmdSN, MaxCmdSN = c.MaxCmdSN, DataSegment = new ReadOnlySequence<byte>(text[..40]),
            });
            RawPdu more = await c.ReceiveAsync(IscsiOpcode.TextRequest);
            continuationTag = more.As<TextRequestPdu>().TargetTransferTag;
            await c.SendAsync(new TextResponsePdu
            {
                Final = true, InitiatorTaskTag = more.InitiatorTaskTag, TargetTransferTag = ReservedTag.Value, StatSN = c.StatSN++,
                ExpCmdSN = c.ExpCmdSN, MaxCmdSN = c.MaxCmdSN, DataSegment = new ReadOnlySequence<byte>(text[40..]),
            });
            await c.ServeAsync();
        });
        IscsiSession session = await new IscsiInitiator(Options(target)).LoginDiscoveryAsync(target.Portal);
        await using (session)
        {
            var targets = await session.SendTargetsAsync();
            Assert.Multiple(() =>
            {
                Assert.That(continuationTag, Is.EqualTo(0x55u));
                Assert.That(targets.Select(t => t.Name), Is.EqualTo(new[] { "iqn.2026-11.org.statesave:one", "iqn.2026-11.org.statesave:two" }));
                Assert.That(targets[1].Addresses.Single().Host, Is.EqualTo("2001:db8::2"));
                Assert.That(targets[1].Addresses.Single().PortalGroupTag, Is.EqualTo((ushort)2));
            });
        }
    }

    [Test]
    public async Task A_target_that_reflects_the_initiators_own_challenge_is_refused()
    {
        string? captured = null;
        await using var target = new ScriptedTarget(async c =>
        {
            var (first, _) = await ReceiveLoginAsync(c);
            await c.SendAsync(Response(c, first, false, LoginStage.SecurityNegotiation, TextCodec.Encode([new TextKeyValue("AuthMethod", "CHAP")])));
            var (algorithms, _) = await ReceiveLoginAsync(c);
            // Connection 1 issues a challenge; connection 2 sends back the challenge the initiator sent in connection 1.
            string challenge = captured ?? "0x00112233445566778899aabbccddeeff";
            await c.SendAsync(Response(c, algorithms, false, LoginStage.SecurityNegotiation, TextCodec.Encode([
                new TextKeyValue("CHAP_A", "5"), new TextKeyValue("CHAP_I", "7"), new TextKeyValue("CHAP_C", challenge)])));
            if (captured is null)
            {
                var (answer, pairs) = await ReceiveLoginAsync(c);
                captured = pairs.Single(p => p.Key == "CHAP_C").Value;
                await c.SendAsync(new LoginResponsePdu
                {
                    CurrentStage = answer.CurrentStage, Isid = answer.Isid, InitiatorTaskTag = answer.InitiatorTaskTag, StatSN = c.StatSN++,
                    Status = LoginStatus.AuthenticationFailure,
                });
            }

            await c.TryReceiveAsync(TimeSpan.FromSeconds(1));
        });
        var chap = new ChapCredentials { Username = "u", Secret = "s-1234567890ab", MutualUsername = "t", MutualSecret = "t-1234567890ab" };
        var initiator = new IscsiInitiator(Options(target, chap));
        IscsiLoginException first = Assert.ThrowsAsync<IscsiLoginException>(() => initiator.LoginAsync(target.Portal, "iqn.2026-11.org.statesave:scripted"))!;
        IscsiLoginException reflected = Assert.ThrowsAsync<IscsiLoginException>(() => initiator.LoginAsync(target.Portal, "iqn.2026-11.org.statesave:scripted"))!;
        Assert.Multiple(() =>
        {
            Assert.That(first.IsTargetStatus, Is.True);
            Assert.That(captured, Is.Not.Null);
            Assert.That(reflected.IsTargetStatus, Is.False);
            Assert.That(reflected.IsAuthenticationFailure, Is.True);
            Assert.That(reflected.Message, Does.Contain("reflection"));
        });
    }
}
