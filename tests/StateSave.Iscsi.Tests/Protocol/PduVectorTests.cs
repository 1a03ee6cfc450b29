using System.Buffers;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Tests.TestSupport;

namespace StateSave.Iscsi.Tests.Protocol;

/// <summary>Every vector: encode gives exactly the bytes; decode (from one segment, from every two-segment split, from one byte per segment) gives the PDU back.</summary>
public class PduVectorTests
{
    private static readonly DigestOptions[] AllDigestOptions = [DigestOptions.None, DigestOptions.HeaderDigest, DigestOptions.DataDigest, DigestOptions.Both];

    private static IEnumerable<TestCaseData> Cases() =>
        from vector in PduVectors.All()
        from digests in AllDigestOptions
        select new TestCaseData(vector, digests).SetArgDisplayNames(vector.Name, digests.ToString());

    [Test]
    public void EveryRfc7143OpcodeHasAVector()
    {
        var covered = PduVectors.All().Select(v => v.Opcode).ToHashSet();
        var defined = Enum.GetValues<IscsiOpcode>().Where(o => o.IsDefined());
        Assert.That(covered, Is.SupersetOf(defined));
    }

    [TestCaseSource(nameof(Cases))]
    public void EncodesToTheExactBytes(PduVector vector, DigestOptions digests)
    {
        byte[] expected = vector.ExpectedWire(digests);
        byte[] actual = vector.Encode(digests);
        Assert.That(Hex.Format(actual), Is.EqualTo(Hex.Format(expected)));
    }

    [TestCaseSource(nameof(Cases))]
    public void DecodesFromASingleSegment(PduVector vector, DigestOptions digests)
    {
        byte[] wire = vector.ExpectedWire(digests);
        var buffer = new ReadOnlySequence<byte>(wire);
        IscsiPdu pdu = ReadOne(ref buffer, digests);

        Assert.That(buffer.IsEmpty, Is.True, "the whole PDU was consumed");
        Assert.That(pdu.WireLength, Is.EqualTo(wire.Length));
        Assert.That(pdu.Opcode, Is.EqualTo(vector.Opcode));
        vector.AssertDecodedFields(pdu);
        Assert.That(vector.DecodeAndReencode(pdu, digests), Is.EqualTo(wire));
    }

    [TestCaseSource(nameof(Cases))]
    public void DecodesFromEveryTwoSegmentSplit(PduVector vector, DigestOptions digests)
    {
        byte[] wire = vector.ExpectedWire(digests);
        for (int split = 1; split < wire.Length; split++)
        {
            ReadOnlySequence<byte> buffer = SegmentedSequence.Create(wire, split);
            IscsiPdu pdu = ReadOne(ref buffer, digests);
            Assert.That(buffer.IsEmpty, Is.True, $"split at {split}");
            Assert.That(vector.DecodeAndReencode(pdu, digests), Is.EqualTo(wire), $"split at {split}");
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void DecodesFromOneBytePerSegment(PduVector vector, DigestOptions digests)
    {
        byte[] wire = vector.ExpectedWire(digests);
        ReadOnlySequence<byte> buffer = SegmentedSequence.OneBytePerSegment(wire);
        IscsiPdu pdu = ReadOne(ref buffer, digests);
        vector.AssertDecodedFields(pdu);
        Assert.That(vector.DecodeAndReencode(pdu, digests), Is.EqualTo(wire));
    }

    [TestCaseSource(nameof(Cases))]
    public void EveryPrefixAsksForMoreAndLeavesTheBufferAlone(PduVector vector, DigestOptions digests)
    {
        byte[] wire = vector.ExpectedWire(digests);
        for (int length = 0; length < wire.Length; length++)
        {
            var buffer = new ReadOnlySequence<byte>(wire, 0, length);
            bool read = IscsiPduReader.TryRead(ref buffer, Options(digests), out _);
            Assert.That(read, Is.False, $"prefix of {length} bytes");
            Assert.That(buffer.Length, Is.EqualTo(length), "buffer untouched");
        }
    }

    [Test]
    public void BackToBackPdusAreFramedOneByOne()
    {
        var vectors = PduVectors.All().ToList();
        byte[] stream = vectors.SelectMany(v => v.ExpectedWire(DigestOptions.Both)).ToArray();
        ReadOnlySequence<byte> buffer = SegmentedSequence.Create(stream, 7, 100, 101, 1000, 1001, 1002);
        foreach (PduVector vector in vectors)
        {
            IscsiPdu pdu = ReadOne(ref buffer, DigestOptions.Both);
            Assert.That(pdu.Opcode, Is.EqualTo(vector.Opcode), vector.Name);
            vector.AssertDecodedFields(pdu);
        }

        Assert.That(buffer.IsEmpty, Is.True);
    }

    [Test]
    public void Rfc3720ReadCommandHeaderDigestIsThePublishedOne()
    {
        // RFC 3720 Appendix B.4 publishes the CRC of this exact 48-byte PDU: 56 3a 96 d9.
        PduVector vector = PduVectors.All().First(v => v.Name.Contains("RFC 3720", StringComparison.Ordinal));
        byte[] wire = vector.Encode(DigestOptions.HeaderDigest);
        Assert.That(wire[48..], Is.EqualTo(Hex.Parse("56 3a 96 d9")));
    }

    internal static PduReaderOptions Options(DigestOptions digests) =>
        new() { Digests = digests, MaxRecvDataSegmentLength = 262144, Direction = PduDirection.Any };

    private static IscsiPdu ReadOne(ref ReadOnlySequence<byte> buffer, DigestOptions digests)
    {
        Assert.That(IscsiPduReader.TryRead(ref buffer, Options(digests), out IscsiPdu pdu), Is.True, "a whole PDU is buffered");
        return pdu;
    }
}
