using System.Buffers;
using System.Text;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Tests.TestSupport;

namespace StateSave.Iscsi.Tests.Negotiation;

public class TextCodecTests
{
    public static IEnumerable<TestCaseData> Vectors()
    {
        yield return new TestCaseData(Array.Empty<TextKeyValue>(), Array.Empty<byte>()).SetName("Empty");
        yield return new TestCaseData(new[] { new TextKeyValue("HeaderDigest", "None") },
            "HeaderDigest=None\0"u8.ToArray()).SetName("OnePair");
        yield return new TestCaseData(
            new[] { new TextKeyValue("InitiatorName", "iqn.2024-01.com.example:host"), new TextKeyValue("SessionType", "Normal"), new TextKeyValue("MaxBurstLength", "262144") },
            "InitiatorName=iqn.2024-01.com.example:host\0SessionType=Normal\0MaxBurstLength=262144\0"u8.ToArray()).SetName("ThreePairs");
        yield return new TestCaseData(new[] { new TextKeyValue("SendTargets", "") }, "SendTargets=\0"u8.ToArray()).SetName("EmptyValue");
        yield return new TestCaseData(new[] { new TextKeyValue("TargetAlias", "Disque été=1") },
            Encoding.UTF8.GetBytes("TargetAlias=Disque été=1\0")).SetName("Utf8ValueWithEquals");
        yield return new TestCaseData(new[] { new TextKeyValue("X-com.example.Cap", "Yes"), new TextKeyValue("X#Reg", "1") },
            "X-com.example.Cap=Yes\0X#Reg=1\0"u8.ToArray()).SetName("ExtensionKeys");
        yield return new TestCaseData(new[] { new TextKeyValue("iSCSIProtocolLevel", "1") }, "iSCSIProtocolLevel=1\0"u8.ToArray()).SetName("LowercaseRfc7144Key");
        yield return new TestCaseData(new[] { new TextKeyValue(new string('K', 63), new string('v', 255)) },
            Encoding.ASCII.GetBytes(new string('K', 63) + "=" + new string('v', 255) + "\0")).SetName("LongestKeyAndValue");
    }

    [TestCaseSource(nameof(Vectors))]
    public void Encode_gives_exact_bytes(TextKeyValue[] pairs, byte[] expected)
    {
        var writer = new ArrayBufferWriter<byte>();
        TextCodec.Encode(writer, pairs);
        Assert.That(writer.WrittenSpan.ToArray(), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(Vectors))]
    public void Decode_span_gives_pairs(TextKeyValue[] pairs, byte[] encoded) =>
        Assert.That(TextCodec.Decode(encoded), Is.EqualTo(pairs));

    [TestCaseSource(nameof(Vectors))]
    public void Decode_sequence_split_at_every_offset_gives_pairs(TextKeyValue[] pairs, byte[] encoded)
    {
        foreach (ReadOnlySequence<byte> sequence in SegmentedSequence.AllSplits(encoded))
        {
            Assert.That(TextCodec.Decode(sequence), Is.EqualTo(pairs), $"split {sequence.Length} bytes");
        }
    }

    public static IEnumerable<TestCaseData> BadInputs()
    {
        yield return new TestCaseData("HeaderDigest\0", ProtocolErrorCode.MalformedText).SetName("NoEquals");
        yield return new TestCaseData("=None\0", ProtocolErrorCode.MalformedText).SetName("EmptyKey");
        yield return new TestCaseData("\0", ProtocolErrorCode.MalformedText).SetName("EmptyPair");
        yield return new TestCaseData("HeaderDigest=None", ProtocolErrorCode.MalformedText).SetName("Unterminated");
        yield return new TestCaseData("A=1\0HeaderDigest=No", ProtocolErrorCode.MalformedText).SetName("SecondUnterminated");
        yield return new TestCaseData("Header Digest=None\0", ProtocolErrorCode.MalformedText).SetName("SpaceInKey");
        yield return new TestCaseData("Header/Digest=None\0", ProtocolErrorCode.MalformedText).SetName("SlashInKey");
        yield return new TestCaseData("1Key=None\0", ProtocolErrorCode.MalformedText).SetName("DigitFirst");
        yield return new TestCaseData("Ké=None\0", ProtocolErrorCode.MalformedText).SetName("NonAsciiKey");
        yield return new TestCaseData("A#B=1\0", ProtocolErrorCode.MalformedText).SetName("HashNotAfterX");
        yield return new TestCaseData(new string('K', 64) + "=1\0", ProtocolErrorCode.TextKeyTooLong).SetName("KeyOf64Bytes");
        yield return new TestCaseData("TargetAlias=" + new string('v', 256) + "\0", ProtocolErrorCode.TextValueTooLong).SetName("ValueOf256Bytes");
        yield return new TestCaseData("X-Unknown=" + new string('v', 256) + "\0", ProtocolErrorCode.TextValueTooLong).SetName("UnknownKeyValueOf256Bytes");
        yield return new TestCaseData("CHAP_C=0x" + new string('a', 2049) + "\0", ProtocolErrorCode.TextValueTooLong).SetName("ChapChallengeOver1024Bytes");
    }

    [TestCaseSource(nameof(BadInputs))]
    public void Bad_input_throws_typed_error(string text, ProtocolErrorCode expected)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        AssertError(() => TextCodec.Decode(bytes), expected);
        foreach (ReadOnlySequence<byte> sequence in SegmentedSequence.AllSplits(bytes))
        {
            AssertError(() => TextCodec.Decode(sequence), expected);
        }
    }

    [Test]
    public void Invalid_utf8_value_is_malformed()
    {
        byte[] bytes = [.. "TargetAlias="u8, 0xC3, 0x28, 0];
        AssertError(() => TextCodec.Decode(bytes), ProtocolErrorCode.MalformedText);
    }

    [Test]
    public void Chap_challenge_of_1024_bytes_is_accepted()
    {
        string value = "0x" + new string('a', 2048);
        byte[] bytes = Encoding.ASCII.GetBytes("CHAP_C=" + value + "\0");
        Assert.That(TextCodec.Decode(bytes).Single().Value, Is.EqualTo(value));
    }

    [Test]
    public void Error_names_the_key()
    {
        var ex = Assert.Throws<IscsiProtocolException>(() => TextCodec.Decode(Encoding.ASCII.GetBytes("TargetAlias=" + new string('v', 300) + "\0")))!;
        Assert.That(ex.Message, Does.Contain("TargetAlias").And.Contain("300"));
    }

    [TestCase("")]
    [TestCase("Bad Key")]
    [TestCase("A=B")]
    public void Encode_refuses_invalid_key(string key) =>
        Assert.Throws<ArgumentException>(() => TextCodec.Encode(new ArrayBufferWriter<byte>(), key, "x"));

    [Test]
    public void Encode_refuses_nul_in_value() =>
        Assert.Throws<ArgumentException>(() => TextCodec.Encode(new ArrayBufferWriter<byte>(), "TargetAlias", "a\0b"));

    internal static void AssertError(TestDelegate action, ProtocolErrorCode expected)
    {
        var ex = Assert.Throws<IscsiProtocolException>(action)!;
        Assert.Multiple(() =>
        {
            Assert.That(ex.Error, Is.EqualTo(expected));
            Assert.That(ex.Action, Is.EqualTo(ProtocolErrorAction.Reject));
            Assert.That(ex.RejectReason, Is.EqualTo(RejectReason.ProtocolError));
        });
    }
}
