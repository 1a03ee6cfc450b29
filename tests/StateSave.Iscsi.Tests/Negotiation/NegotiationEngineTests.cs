using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;

namespace StateSave.Iscsi.Tests.Negotiation;

public class NegotiationEngineTests
{
    private const string Capability = "X-com.example.Capability";

    private static TextKeyRegistry RegistryWithCapability()
    {
        var registry = new TextKeyRegistry();
        registry.Register(new TextKeyDefinition
        {
            Name = Capability, ValueKind = TextValueKind.Boolean, Rule = NegotiationRule.BooleanAnd, Senders = KeySenders.Both,
            Use = KeyUse.LeadingOnly, Stages = NegotiationStages.OperationalNegotiation, DefaultValue = "No",
        });
        return registry;
    }

    private static string? AnswerOf(NegotiationEngine engine, string key, string value) =>
        engine.ProcessReceived([new TextKeyValue(key, value)]).SingleOrDefault().Value;

    // Responder side: offer X with local setting Y gives answer Z, for every key.
    public static IEnumerable<TestCaseData> ResponderCases()
    {
        NegotiationSettings d = NegotiationSettings.Default;
        yield return Case("HeaderDigest", "CRC32C,None", d, "None");
        yield return Case("HeaderDigest", "CRC32C,None", d with { HeaderDigests = [DigestType.None, DigestType.Crc32C] }, "CRC32C");
        yield return Case("HeaderDigest", "CRC32C", d, "Reject");
        yield return Case("HeaderDigest", "MD5,None", d, "None");
        yield return Case("DataDigest", "None,CRC32C", d with { DataDigests = [DigestType.Crc32C] }, "CRC32C");
        yield return Case("DataDigest", "CRC32C", d, "Reject");
        yield return Case("MaxConnections", "4", d with { MaxConnections = 2 }, "2");
        yield return Case("MaxConnections", "1", d with { MaxConnections = 8 }, "1");
        yield return Case("MaxConnections", "0", d, "Reject");
        yield return Case("MaxConnections", "65536", d, "Reject");
        yield return Case("InitialR2T", "No", d, "Yes");
        yield return Case("InitialR2T", "No", d with { InitialR2T = false }, "No");
        yield return Case("InitialR2T", "Maybe", d, "Reject");
        yield return Case("ImmediateData", "Yes", d with { ImmediateData = false }, "No");
        yield return Case("ImmediateData", "Yes", d, "Yes");
        yield return Case("MaxBurstLength", "1048576", d, "262144");
        yield return Case("MaxBurstLength", "0x1000", d, "4096");
        yield return Case("MaxBurstLength", "511", d, "Reject");
        yield return Case("MaxBurstLength", "16777216", d, "Reject");
        yield return Case("MaxBurstLength", "0100", d, "Reject");
        yield return Case("FirstBurstLength", "4096", d, "4096");
        yield return Case("FirstBurstLength", "4096", d with { InitialR2T = true, ImmediateData = false }, "Irrelevant");
        yield return Case("DefaultTime2Wait", "1", d, "2");
        yield return Case("DefaultTime2Wait", "10", d, "10");
        yield return Case("DefaultTime2Wait", "3601", d, "Reject");
        yield return Case("DefaultTime2Retain", "30", d, "20");
        yield return Case("DefaultTime2Retain", "0", d, "0");
        yield return Case("MaxOutstandingR2T", "8", d with { MaxOutstandingR2T = 4 }, "4");
        yield return Case("MaxOutstandingR2T", "0", d, "Reject");
        yield return Case("DataPDUInOrder", "No", d, "Yes");
        yield return Case("DataPDUInOrder", "No", d with { DataPDUInOrder = false }, "No");
        yield return Case("DataSequenceInOrder", "No", d, "Yes");
        yield return Case("DataSequenceInOrder", "Yes", d with { DataSequenceInOrder = false }, "Yes");
        yield return Case("ErrorRecoveryLevel", "2", d with { ErrorRecoveryLevel = 1 }, "1");
        yield return Case("ErrorRecoveryLevel", "3", d, "Reject");
        yield return Case("TaskReporter", "ResponseFence,RFC3720", d, "RFC3720");
        yield return Case("TaskReporter", "FastAbort", d, "Reject");
        yield return Case("iSCSIProtocolLevel", "2", d, "1");
        yield return Case("iSCSIProtocolLevel", "32", d, "Reject");
        yield return Case("MaxRecvDataSegmentLength", "65536", d, null);
        yield return Case("MaxRecvDataSegmentLength", "511", d, "Reject");
        yield return Case("MaxRecvDataSegmentLength", "16777216", d, "Reject");
        yield return Case("InitiatorName", "iqn.2024-01.com.example:host", d, null);
        yield return Case("InitiatorAlias", "host one", d, null);
        yield return Case("TargetName", "iqn.2024-01.com.example:disk", d, null);
        yield return Case("SessionType", "Normal", d, null);
        yield return Case("SessionType", "Other", d, "Reject");
        yield return Case("TargetAlias", "disk", d, "Reject"); // only a target may send it
        yield return Case("TargetPortalGroupTag", "1", d, "Reject");
        yield return Case("TargetAddress", "10.0.0.1:3260,1", d, "Reject");
        yield return Case("SendTargets", "All", d, "Irrelevant"); // Full Feature Phase only
        yield return Case("AuthMethod", "CHAP,None", d, "Irrelevant"); // security stage only
        yield return Case("CHAP_A", "5", d, "Irrelevant");
        yield return Case("IFMarker", "No", d, "Reject");
        yield return Case("OFMarker", "Yes", d, "Reject");
        yield return Case("IFMarkInt", "2048~2048", d, "Reject");
        yield return Case("OFMarkInt", "1~65535", d, "Reject");
        yield return Case("X-com.other.Unregistered", "Yes", d, "NotUnderstood");
        yield return Case("X#Unregistered", "1", d, "NotUnderstood");
        yield return Case("FooBar", "1", d, "NotUnderstood");
        yield return Case(Capability, "Yes", d, "No");
        yield return Case(Capability, "Yes", d with { ExtensionKeys = new Dictionary<string, string> { [Capability] = "Yes" } }, "Yes");

        static TestCaseData Case(string key, string offer, NegotiationSettings local, string? answer) =>
            new TestCaseData(key, offer, local, answer).SetName($"{key}={offer} -> {answer ?? "(no answer)"}");
    }

    [TestCaseSource(nameof(ResponderCases))]
    public void Target_answers_initiator_offer(string key, string offer, NegotiationSettings local, string? expected)
    {
        var target = new NegotiationEngine(NegotiationRole.Target, SessionType.Normal, LoginStage.LoginOperationalNegotiation, local, RegistryWithCapability());
        Assert.That(AnswerOf(target, key, offer), Is.EqualTo(expected));
    }

    [TestCase("AuthMethod", "CHAP,None", "None")]
    [TestCase("AuthMethod", "KRB5", "Reject")]
    [TestCase("MaxBurstLength", "65536", "Irrelevant")]
    [TestCase("HeaderDigest", "None", "Irrelevant")]
    public void Security_stage(string key, string offer, string expected)
    {
        var target = new NegotiationEngine(NegotiationRole.Target, SessionType.Normal, LoginStage.SecurityNegotiation);
        Assert.That(AnswerOf(target, key, offer), Is.EqualTo(expected));
    }

    [Test]
    public void Security_stage_auth_method_follows_offerer_order()
    {
        var target = new NegotiationEngine(NegotiationRole.Target, SessionType.Normal, LoginStage.SecurityNegotiation,
            new NegotiationSettings { AuthMethods = ["None", "CHAP"] });
        Assert.That(AnswerOf(target, "AuthMethod", "CHAP,None"), Is.EqualTo("CHAP"));
        Assert.That(target.GetNegotiatedParameters().AuthMethod, Is.EqualTo("CHAP"));
    }

    [Test]
    public void Chap_keys_are_collected_for_the_authentication_layer()
    {
        var target = new NegotiationEngine(NegotiationRole.Target, SessionType.Normal, LoginStage.SecurityNegotiation);
        Assert.That(target.ProcessReceived([new("CHAP_A", "5"), new("CHAP_N", "user"), new("CHAP_R", "0x0102")]), Is.Empty);
        Assert.That(target.AuthenticationPairs.Select(p => p.Key), Is.EqualTo(new[] { "CHAP_A", "CHAP_N", "CHAP_R" }));
    }

    [TestCase("MaxConnections", "Irrelevant")]
    [TestCase("InitialR2T", "Irrelevant")]
    [TestCase("ImmediateData", "Irrelevant")]
    [TestCase("MaxBurstLength", "Irrelevant")]
    [TestCase("FirstBurstLength", "Irrelevant")]
    [TestCase("MaxOutstandingR2T", "Irrelevant")]
    [TestCase("DataPDUInOrder", "Irrelevant")]
    [TestCase("DataSequenceInOrder", "Irrelevant")]
    [TestCase("TaskReporter", "Irrelevant")]
    [TestCase("iSCSIProtocolLevel", "Irrelevant")]
    [TestCase("HeaderDigest", "None")]
    [TestCase("ErrorRecoveryLevel", "0")]
    [TestCase("DefaultTime2Wait", "2")]
    public void Discovery_session_answers(string key, string expected)
    {
        var target = new NegotiationEngine(NegotiationRole.Target, SessionType.Normal, LoginStage.LoginOperationalNegotiation);
        string value = key switch { "HeaderDigest" or "TaskReporter" => "None,RFC3720", "InitialR2T" or "ImmediateData" or "DataPDUInOrder" or "DataSequenceInOrder" => "Yes", _ => "1" };
        if (key == "HeaderDigest") { value = "None"; }
        if (key == "TaskReporter") { value = "RFC3720"; }
        IReadOnlyList<TextKeyValue> answers = target.ProcessReceived([new("SessionType", "Discovery"), new(key, value)]);
        Assert.That(target.SessionType, Is.EqualTo(SessionType.Discovery));
        Assert.That(answers.Single().Value, Is.EqualTo(expected));
    }

    [TestCase("MaxBurstLength", "Irrelevant")]
    [TestCase("HeaderDigest", "None")]
    public void Non_leading_connection_answers_leading_only_keys_irrelevant(string key, string expected)
    {
        var target = new NegotiationEngine(NegotiationRole.Target, SessionType.Normal, LoginStage.LoginOperationalNegotiation, isLeadingConnection: false);
        Assert.That(AnswerOf(target, key, key == "HeaderDigest" ? "None" : "65536"), Is.EqualTo(expected));
    }

    [Test]
    public void Full_feature_phase_allows_only_any_use_keys()
    {
        var target = new NegotiationEngine(NegotiationRole.Target, SessionType.Normal, LoginStage.FullFeaturePhase);
        Assert.That(target.ProcessReceived([new("MaxRecvDataSegmentLength", "16384"), new("MaxBurstLength", "65536"), new("SendTargets", "All")]),
            Is.EqualTo(new TextKeyValue[] { new("MaxBurstLength", "Irrelevant") }));
        Assert.That(target.GetNegotiatedParameters().InitiatorMaxRecvDataSegmentLength, Is.EqualTo(16384));
    }

    // Offerer side: the initiator offers its setting; the target's answer is accepted (giving the result) or is a failure.
    public static IEnumerable<TestCaseData> AnswerValidationCases()
    {
        NegotiationSettings d = NegotiationSettings.Default;
        yield return Ok("MaxBurstLength", d, "65536", p => p.MaxBurstLength == 65536);
        yield return Fail("MaxBurstLength", d, "300000");
        yield return Fail("MaxBurstLength", d, "100");
        yield return Ok("FirstBurstLength", d, "512", p => p.FirstBurstLength == 512);
        yield return Fail("FirstBurstLength", d, "65537");
        yield return Ok("MaxConnections", d with { MaxConnections = 4 }, "2", p => p.MaxConnections == 2);
        yield return Fail("MaxConnections", d with { MaxConnections = 4 }, "5");
        yield return Ok("DefaultTime2Wait", d, "5", p => p.DefaultTime2Wait == 5);
        yield return Fail("DefaultTime2Wait", d, "1");
        yield return Fail("DefaultTime2Wait", d, "3601");
        yield return Ok("DefaultTime2Retain", d, "0", p => p.DefaultTime2Retain == 0);
        yield return Fail("DefaultTime2Retain", d, "21");
        yield return Ok("MaxOutstandingR2T", d, "1", p => p.MaxOutstandingR2T == 1);
        yield return Fail("MaxOutstandingR2T", d, "2");
        yield return Ok("ErrorRecoveryLevel", d with { ErrorRecoveryLevel = 2 }, "1", p => p.ErrorRecoveryLevel == 1);
        yield return Fail("ErrorRecoveryLevel", d with { ErrorRecoveryLevel = 2 }, "3");
        yield return Fail("ErrorRecoveryLevel", d, "1");
        yield return Ok("iSCSIProtocolLevel", d, "0", p => p.IscsiProtocolLevel == 0);
        yield return Fail("iSCSIProtocolLevel", d, "2");
        yield return Ok("InitialR2T", d with { InitialR2T = false }, "Yes", p => p.InitialR2T);
        yield return Fail("InitialR2T", d, "No");
        yield return Ok("ImmediateData", d, "No", p => !p.ImmediateData);
        yield return Fail("ImmediateData", d with { ImmediateData = false }, "Yes");
        yield return Fail("ImmediateData", d, "Maybe");
        yield return Ok("DataPDUInOrder", d with { DataPDUInOrder = false }, "No", p => !p.DataPDUInOrder);
        yield return Fail("DataPDUInOrder", d, "No");
        yield return Ok("DataSequenceInOrder", d with { DataSequenceInOrder = false }, "Yes", p => p.DataSequenceInOrder);
        yield return Fail("DataSequenceInOrder", d, "No");
        yield return Ok("HeaderDigest", d with { HeaderDigests = [DigestType.Crc32C, DigestType.None] }, "CRC32C", p => p.HeaderDigest == DigestType.Crc32C);
        yield return Fail("HeaderDigest", d, "CRC32C");
        yield return Fail("HeaderDigest", d with { HeaderDigests = [DigestType.Crc32C, DigestType.None] }, "CRC32C,None");
        yield return Ok("DataDigest", d with { DataDigests = [DigestType.Crc32C] }, "CRC32C", p => p.DataDigest == DigestType.Crc32C);
        yield return Fail("DataDigest", d, "CRC32C");
        yield return Ok("TaskReporter", d with { TaskReporters = ["ResponseFence", "RFC3720"] }, "ResponseFence", p => p.TaskReporter == "ResponseFence");
        yield return Fail("TaskReporter", d, "FastAbort");
        yield return Ok(Capability, d with { ExtensionKeys = new Dictionary<string, string> { [Capability] = "Yes" } }, "Yes", p => p.ExtensionKeys[Capability] == "Yes");
        yield return Fail(Capability, d with { ExtensionKeys = new Dictionary<string, string> { [Capability] = "No" } }, "Yes");
        foreach (string reserved in new[] { "Reject", "Irrelevant", "NotUnderstood" })
        {
            yield return Ok("MaxBurstLength", d with { MaxBurstLength = 4096 }, reserved, p => p.MaxBurstLength == 262144);
            yield return Ok("HeaderDigest", d with { HeaderDigests = [DigestType.Crc32C] }, reserved, p => p.HeaderDigest == DigestType.None);
        }

        static TestCaseData Ok(string key, NegotiationSettings local, string answer, Func<NegotiatedParameters, bool> check) =>
            new TestCaseData(key, local, answer, check).SetName($"Offer {key}, answer {answer} -> accepted");

        static TestCaseData Fail(string key, NegotiationSettings local, string answer) =>
            new TestCaseData(key, local, answer, null).SetName($"Offer {key}, answer {answer} -> NegotiationFailure");
    }

    [TestCaseSource(nameof(AnswerValidationCases))]
    public void Initiator_settles_target_answer(string key, NegotiationSettings local, string answer, Func<NegotiatedParameters, bool>? check)
    {
        var initiator = new NegotiationEngine(NegotiationRole.Initiator, SessionType.Normal, LoginStage.LoginOperationalNegotiation, local, RegistryWithCapability());
        Assert.That(initiator.BuildOffers().Select(p => p.Key), Does.Contain(key));
        Assert.That(initiator.OutstandingOffers, Does.Contain(key));
        if (check is null)
        {
            AssertNegotiationFailure(() => initiator.ProcessReceived([new(key, answer)]));
            return;
        }
        Assert.That(initiator.ProcessReceived([new(key, answer)]), Is.Empty);
        Assert.That(initiator.OutstandingOffers, Does.Not.Contain(key));
        Assert.That(check(initiator.GetNegotiatedParameters()), Is.True);
    }

    [Test]
    public void Target_settles_answer_to_its_own_offer()
    {
        var target = new NegotiationEngine(NegotiationRole.Target, SessionType.Normal, LoginStage.LoginOperationalNegotiation,
            new NegotiationSettings { MaxBurstLength = 65536, TargetAlias = "disk" });
        IReadOnlyList<TextKeyValue> offers = target.BuildOffers();
        // iSCSIProtocolLevel is only answered by a target, never offered (RFC 7144 §2.1: level 0 is always acceptable).
        Assert.That(offers, Is.EqualTo(new TextKeyValue[] { new("TargetAlias", "disk"), new("MaxRecvDataSegmentLength", "8192"), new("MaxBurstLength", "65536") }));
        Assert.That(target.AllOffersAnswered, Is.False);
        AssertNegotiationFailure(() => new NegotiationEngine(NegotiationRole.Target, SessionType.Normal, LoginStage.LoginOperationalNegotiation,
            new NegotiationSettings { MaxBurstLength = 65536 }).ProcessReceived([new("MaxBurstLength", "65536"), new("MaxBurstLength", "4096")]));
        target.ProcessReceived([new("MaxBurstLength", "4096")]);
        Assert.That(target.AllOffersAnswered, Is.True);
        Assert.That(target.GetNegotiatedParameters().MaxBurstLength, Is.EqualTo(4096));
    }

    [Test]
    public void Answer_to_key_never_offered_is_a_failure()
    {
        var initiator = new NegotiationEngine(NegotiationRole.Initiator, SessionType.Normal, LoginStage.LoginOperationalNegotiation);
        AssertNegotiationFailure(() => initiator.ProcessReceived([new("MaxBurstLength", "Reject")]));
    }

    [TestCase("MaxBurstLength", "65536")]
    [TestCase("InitiatorName", "iqn.2024-01.com.example:host")]
    [TestCase("X-com.other.Unregistered", "1")]
    [TestCase("IFMarker", "No")]
    public void Key_received_twice_is_a_failure(string key, string value)
    {
        var target = new NegotiationEngine(NegotiationRole.Target, SessionType.Normal, LoginStage.LoginOperationalNegotiation);
        target.ProcessReceived([new(key, value)]);
        AssertNegotiationFailure(() => target.ProcessReceived([new(key, value)]));
        var again = new NegotiationEngine(NegotiationRole.Target, SessionType.Normal, LoginStage.LoginOperationalNegotiation);
        AssertNegotiationFailure(() => again.ProcessReceived([new(key, value), new(key, value)]));
    }

    [Test]
    public void Repeated_settled_keys_are_ignored_when_tolerated_but_not_within_one_segment()
    {
        var settings = new NegotiationSettings { ToleratesRepeatedKeys = true };
        var target = new NegotiationEngine(NegotiationRole.Target, SessionType.Normal, LoginStage.LoginOperationalNegotiation, settings);
        TextKeyValue[] first = [new("InitiatorName", "iqn.2024-01.com.example:host"), new("MaxBurstLength", "65536"), new("IFMarker", "No")];
        Assert.That(target.ProcessReceived(first), Is.EqualTo(new TextKeyValue[] { new("MaxBurstLength", "65536"), new("IFMarker", "Reject") }));
        Assert.That(target.ProcessReceived(first), Is.Empty);
        AssertNegotiationFailure(() => target.ProcessReceived([new("InitiatorName", "iqn.2024-01.com.example:other")]));
        var again = new NegotiationEngine(NegotiationRole.Target, SessionType.Normal, LoginStage.LoginOperationalNegotiation, settings);
        AssertNegotiationFailure(() => again.ProcessReceived([new("MaxBurstLength", "65536"), new("MaxBurstLength", "65536")]));
    }

    [Test]
    public void Answer_then_peer_offer_of_same_key_is_a_failure()
    {
        var initiator = new NegotiationEngine(NegotiationRole.Initiator, SessionType.Normal, LoginStage.LoginOperationalNegotiation);
        initiator.BuildOffers();
        initiator.ProcessReceived([new("MaxBurstLength", "4096")]);
        AssertNegotiationFailure(() => initiator.ProcessReceived([new("MaxBurstLength", "4096")]));
    }

    [Test]
    public void Rejected_declaration_reverts_to_default()
    {
        var initiator = new NegotiationEngine(NegotiationRole.Initiator, SessionType.Normal, LoginStage.LoginOperationalNegotiation,
            new NegotiationSettings { MaxRecvDataSegmentLength = 65536 });
        initiator.BuildOffers();
        Assert.That(initiator.GetNegotiatedParameters().InitiatorMaxRecvDataSegmentLength, Is.EqualTo(65536));
        initiator.ProcessReceived([new("MaxRecvDataSegmentLength", "Reject")]);
        Assert.That(initiator.GetNegotiatedParameters().InitiatorMaxRecvDataSegmentLength, Is.EqualTo(8192));
    }

    [Test]
    public void Initiator_does_not_offer_first_burst_length_when_irrelevant()
    {
        var initiator = new NegotiationEngine(NegotiationRole.Initiator, SessionType.Normal, LoginStage.LoginOperationalNegotiation,
            new NegotiationSettings { ImmediateData = false });
        Assert.That(initiator.BuildOffers().Select(p => p.Key), Does.Not.Contain("FirstBurstLength"));
    }

    [Test]
    public void Discovery_initiator_offers_only_relevant_keys()
    {
        var initiator = new NegotiationEngine(NegotiationRole.Initiator, SessionType.Discovery, LoginStage.LoginOperationalNegotiation,
            new NegotiationSettings { InitiatorName = "iqn.2024-01.com.example:host", TargetName = "ignored" });
        Assert.That(initiator.BuildOffers().Select(p => p.Key), Is.EqualTo(new[]
        {
            "SessionType", "InitiatorName", "HeaderDigest", "DataDigest", "MaxRecvDataSegmentLength", "DefaultTime2Wait", "DefaultTime2Retain", "ErrorRecoveryLevel",
        }));
        Assert.That(initiator.BuildOffers(), Is.Empty);
    }

    [Test]
    public void Registry_lists_every_standard_key()
    {
        string[] expected =
        [
            "HeaderDigest", "DataDigest", "MaxConnections", "SendTargets", "TargetName", "InitiatorName", "TargetAlias", "InitiatorAlias",
            "TargetAddress", "TargetPortalGroupTag", "InitialR2T", "ImmediateData", "MaxRecvDataSegmentLength", "MaxBurstLength",
            "FirstBurstLength", "DefaultTime2Wait", "DefaultTime2Retain", "MaxOutstandingR2T", "DataPDUInOrder", "DataSequenceInOrder",
            "ErrorRecoveryLevel", "SessionType", "AuthMethod", "CHAP_A", "CHAP_I", "CHAP_C", "CHAP_N", "CHAP_R", "TaskReporter",
            "iSCSIProtocolLevel", "IFMarker", "OFMarker", "IFMarkInt", "OFMarkInt",
        ];
        Assert.That(TextKeyRegistry.Standard.Definitions.Select(d => d.Name), Is.EquivalentTo(expected));
        Assert.That(TextKeyRegistry.Standard.TryGetDefinition("MaxRecvDataSegmentLength", out TextKeyDefinition? mrdsl), Is.True);
        Assert.That(mrdsl, Is.EqualTo(mrdsl! with
        {
            Rule = NegotiationRule.Declarative, Minimum = 512, Maximum = 16777215, DefaultValue = "8192", Scope = KeyScope.ConnectionOnly, Use = KeyUse.Any,
        }));
    }

    [Test]
    public void Registry_accepts_only_extension_keys()
    {
        var registry = new TextKeyRegistry();
        TextKeyDefinition standardName = new()
        {
            Name = "MaxFoo", ValueKind = TextValueKind.Boolean, Rule = NegotiationRule.BooleanAnd, Senders = KeySenders.Both,
            Use = KeyUse.LeadingOnly, Stages = NegotiationStages.OperationalNegotiation,
        };
        Assert.Throws<ArgumentException>(() => registry.Register(standardName));
        registry.Register(standardName with { Name = "X#Foo" });
        Assert.Throws<ArgumentException>(() => registry.Register(standardName with { Name = "X#Foo" }));
        Assert.Throws<InvalidOperationException>(() => TextKeyRegistry.Standard.Register(standardName with { Name = "X-Foo" }));
    }

    [Test]
    public void Settings_out_of_range_are_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new NegotiationEngine(NegotiationRole.Initiator, SessionType.Normal,
            LoginStage.LoginOperationalNegotiation, new NegotiationSettings { MaxRecvDataSegmentLength = 100 }));

    [Test]
    public void Defaults_are_rfc_7143_defaults()
    {
        NegotiatedParameters p = NegotiatedParameters.Defaults;
        Assert.Multiple(() =>
        {
            Assert.That(p.HeaderDigest, Is.EqualTo(DigestType.None));
            Assert.That(p.MaxConnections, Is.EqualTo(1));
            Assert.That(p.InitialR2T && p.ImmediateData && p.DataPDUInOrder && p.DataSequenceInOrder, Is.True);
            Assert.That(p.InitiatorMaxRecvDataSegmentLength, Is.EqualTo(8192));
            Assert.That(p.TargetMaxRecvDataSegmentLength, Is.EqualTo(8192));
            Assert.That(p.MaxBurstLength, Is.EqualTo(262144));
            Assert.That(p.FirstBurstLength, Is.EqualTo(65536));
            Assert.That(p.DefaultTime2Wait, Is.EqualTo(2));
            Assert.That(p.DefaultTime2Retain, Is.EqualTo(20));
            Assert.That(p.MaxOutstandingR2T, Is.EqualTo(1));
            Assert.That(p.ErrorRecoveryLevel, Is.Zero);
            Assert.That(p.IscsiProtocolLevel, Is.Zero);
            Assert.That(new NegotiationEngine(NegotiationRole.Target, SessionType.Normal, LoginStage.LoginOperationalNegotiation).GetNegotiatedParameters(), Is.EqualTo(p));
        });
    }

    [Test]
    public void Initiator_and_target_engines_agree()
    {
        var initiatorSettings = new NegotiationSettings
        {
            InitiatorName = "iqn.2024-01.com.example:host", InitiatorAlias = "host", TargetName = "iqn.2024-01.com.example:disk",
            AuthMethods = ["CHAP", "None"], HeaderDigests = [DigestType.Crc32C, DigestType.None], MaxConnections = 4, InitialR2T = false,
            MaxRecvDataSegmentLength = 65536, MaxBurstLength = 1048576, FirstBurstLength = 262144, ErrorRecoveryLevel = 2,
            TaskReporters = ["ResponseFence", "RFC3720"], ExtensionKeys = new Dictionary<string, string> { [Capability] = "Yes" },
        };
        var targetSettings = new NegotiationSettings
        {
            TargetName = "iqn.2024-01.com.example:disk", TargetAlias = "disk", TargetPortalGroupTag = 1, HeaderDigests = [DigestType.None, DigestType.Crc32C],
            InitialR2T = false, MaxRecvDataSegmentLength = 262144, DefaultTime2Wait = 5, MaxOutstandingR2T = 16,
            ExtensionKeys = new Dictionary<string, string> { [Capability] = "Yes" },
        };
        var initiator = new NegotiationEngine(NegotiationRole.Initiator, SessionType.Normal, LoginStage.SecurityNegotiation, initiatorSettings, RegistryWithCapability());
        // The target does not know the session type until the initiator declares it.
        var target = new NegotiationEngine(NegotiationRole.Target, SessionType.Discovery, LoginStage.SecurityNegotiation, targetSettings, RegistryWithCapability());

        Exchange(initiator, target);
        initiator.AdvanceStage(LoginStage.LoginOperationalNegotiation);
        target.AdvanceStage(LoginStage.LoginOperationalNegotiation);
        Exchange(initiator, target);

        Assert.That(initiator.AllOffersAnswered && target.AllOffersAnswered, Is.True);
        NegotiatedParameters fromInitiator = initiator.GetNegotiatedParameters();
        NegotiatedParameters fromTarget = target.GetNegotiatedParameters();
        Assert.That(fromTarget, Is.EqualTo(fromInitiator));
        Assert.That(fromInitiator, Is.EqualTo(NegotiatedParameters.Defaults with
        {
            InitiatorName = "iqn.2024-01.com.example:host", InitiatorAlias = "host", TargetName = "iqn.2024-01.com.example:disk",
            TargetAlias = "disk", TargetPortalGroupTag = 1, AuthMethod = "None", HeaderDigest = DigestType.Crc32C, InitialR2T = false,
            InitiatorMaxRecvDataSegmentLength = 65536, TargetMaxRecvDataSegmentLength = 262144, FirstBurstLength = 65536,
            DefaultTime2Wait = 5, TaskReporter = "RFC3720", IscsiProtocolLevel = 1,
            ExtensionKeys = new ExtensionKeyDictionary(new Dictionary<string, string> { [Capability] = "Yes" }),
        }));
        Assert.That(fromInitiator.MaxSendDataSegmentLength(NegotiationRole.Initiator), Is.EqualTo(262144));
    }

    // One login exchange carried through the codec, the splitter (peer MaxRecvDataSegmentLength 512) and the assembler.
    private static void Exchange(NegotiationEngine initiator, NegotiationEngine target)
    {
        IReadOnlyList<TextKeyValue> request = Carry(initiator.BuildOffers());
        IReadOnlyList<TextKeyValue> response = Carry([.. target.ProcessReceived(request), .. target.BuildOffers()]);
        IReadOnlyList<TextKeyValue> followUp = Carry(initiator.ProcessReceived(response));
        Assert.That(target.ProcessReceived(followUp), Is.Empty);
    }

    private static IReadOnlyList<TextKeyValue> Carry(IReadOnlyList<TextKeyValue> pairs)
    {
        var assembler = new TextSegmentAssembler();
        IReadOnlyList<TextKeyValue> received = [];
        foreach (TextChunk chunk in TextSegmentSplitter.Split(TextCodec.Encode(pairs), 512))
        {
            assembler.Append(chunk.Data.Span, chunk.Continue, out received);
        }
        Assert.That(received, Is.EqualTo(pairs));
        return received;
    }

    private static void AssertNegotiationFailure(TestDelegate action)
    {
        var ex = Assert.Throws<IscsiProtocolException>(action)!;
        Assert.That(ex.Error, Is.EqualTo(ProtocolErrorCode.NegotiationFailure));
        Assert.That(ex.Action, Is.EqualTo(ProtocolErrorAction.FailLogin));
    }
}
