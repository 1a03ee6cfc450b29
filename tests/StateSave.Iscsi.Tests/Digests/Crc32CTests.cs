using System.Buffers;
using StateSave.Iscsi.Digests;
using StateSave.Iscsi.Tests.TestSupport;

namespace StateSave.Iscsi.Tests.Digests;

public class Crc32CTests
{
    // RFC 3720 Appendix B.4: CRC32C examples, given as the bytes sent on the wire.
    private static IEnumerable<TestCaseData> Rfc3720Vectors()
    {
        yield return new TestCaseData(new byte[32], "aa 36 91 8a").SetName("B.4 32 bytes of zeros");
        yield return new TestCaseData(Enumerable.Repeat((byte)0xFF, 32).ToArray(), "43 ab a8 62").SetName("B.4 32 bytes of ones");
        yield return new TestCaseData(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), "4e 79 dd 46").SetName("B.4 32 incrementing bytes");
        yield return new TestCaseData(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray(), "5c db 3f 11").SetName("B.4 32 decrementing bytes");
        yield return new TestCaseData(Hex.Parse("""
            01 c0 00 00 00 00 00 00 00 00 00 00 00 00 00 00
            14 00 00 00 00 00 04 00 00 00 00 14 00 00 00 18
            28 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00
            """), "56 3a 96 d9").SetName("B.4 iSCSI SCSI Read (10) command PDU");
    }

    [TestCaseSource(nameof(Rfc3720Vectors))]
    public void Rfc3720AppendixB4(byte[] data, string wireDigest)
    {
        Span<byte> digest = stackalloc byte[4];
        Crc32C.WriteDigest(digest, Crc32C.Compute(data));
        Assert.That(digest.ToArray(), Is.EqualTo(Hex.Parse(wireDigest)));
        Assert.That(Crc32C.Finish(Crc32C.UpdateSoftware(Crc32C.InitialValue, data)), Is.EqualTo(Crc32C.Compute(data)));
    }

    [Test]
    public void CheckValueOfTheCastagnoliCrc()
    {
        // The standard "check" value of CRC-32C over the ASCII digits 1..9.
        Assert.That(Crc32C.Compute("123456789"u8), Is.EqualTo(0xE3069283u));
    }

    [Test]
    public void EveryLengthAndAlignmentMatchesTheReference([Values(0, 1, 2, 3)] int misalignment)
    {
        var random = new Random(1234 + misalignment);
        byte[] buffer = new byte[1100];
        random.NextBytes(buffer);
        for (int length = 0; length < 1024; length += length < 80 ? 1 : 37)
        {
            ReadOnlySpan<byte> data = buffer.AsSpan(misalignment, length);
            uint expected = ReferenceCrc32C.Compute(data);
            Assert.That(Crc32C.Compute(data), Is.EqualTo(expected), $"length {length}");
            Assert.That(Crc32C.Finish(Crc32C.UpdateSoftware(Crc32C.InitialValue, data)), Is.EqualTo(expected), $"software, length {length}");
        }
    }

    [Test]
    public void IncrementalUpdatesAndSequencesEqualOneShot()
    {
        byte[] data = new byte[5000];
        new Random(7).NextBytes(data);
        uint oneShot = Crc32C.Compute(data);

        uint running = Crc32C.InitialValue;
        running = Crc32C.Update(running, data.AsSpan(0, 13));
        running = Crc32C.Update(running, data.AsSpan(13, 4000));
        running = Crc32C.Update(running, data.AsSpan(4013));
        Assert.That(Crc32C.Finish(running), Is.EqualTo(oneShot));

        ReadOnlySequence<byte> sequence = SegmentedSequence.Create(data, 1, 7, 64, 65, 2048, 4999);
        Assert.That(Crc32C.Compute(sequence), Is.EqualTo(oneShot));
    }
}
