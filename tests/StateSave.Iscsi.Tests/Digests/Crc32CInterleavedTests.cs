using StateSave.Iscsi.Digests;
using X86Pclmulqdq = System.Runtime.Intrinsics.X86.Pclmulqdq;
using X86Sse42 = System.Runtime.Intrinsics.X86.Sse42;

namespace StateSave.Iscsi.Tests.Digests;

/// <summary>
/// The three-lane x64 path (and whatever <see cref="Crc32C.Update"/> takes on other machines) against the
/// slicing-by-8 table, over lengths, offsets and splits that cross every block size of the interleave.
/// </summary>
public class Crc32CInterleavedTests
{
    private const int MaxLength = 1 << 20;

    // The lane lengths of Crc32C.X64.cs: a block is three lanes.
    private static readonly int[] LaneLengths = [64, 1360, 4096];

    private static readonly byte[] Data = RandomBytes(MaxLength + 64, 3720);

    private static uint Reference(uint crc, ReadOnlySpan<byte> data) => Crc32C.UpdateSoftware(crc, data);

    [Test]
    public void RandomLengthsAndOffsetsMatchTheTable()
    {
        var random = new Random(7143);
        for (int round = 0; round < 300; round++)
        {
            // Half the rounds anywhere up to 1 MiB, half under 16 KiB where the block sizes change fastest.
            int length = round % 2 == 0 ? random.Next(MaxLength + 1) : random.Next(16 * 1024);
            int offset = random.Next(64);
            uint start = round % 3 == 0 ? Crc32C.InitialValue : (uint)random.Next() ^ ((uint)random.Next() << 16);
            ReadOnlySpan<byte> data = Data.AsSpan(offset, length);
            Assert.That(Crc32C.Update(start, data), Is.EqualTo(Reference(start, data)), $"length {length}, offset {offset}, start {start:x8}");
        }
    }

    [Test]
    public void LengthsAroundEveryBlockBoundaryMatchTheTable([Values(0, 1, 5, 8)] int offset)
    {
        foreach (int lane in LaneLengths)
        {
            foreach (int blocks in new[] { 1, 2, 3 })
            {
                for (int delta = -17; delta <= 17; delta++)
                {
                    int length = (3 * lane * blocks) + delta;
                    ReadOnlySpan<byte> data = Data.AsSpan(offset, length);
                    Assert.That(Crc32C.Compute(data), Is.EqualTo(Crc32C.Finish(Reference(Crc32C.InitialValue, data))), $"length {length}");
                }
            }
        }
    }

    [Test]
    public void EveryLengthUpToTwoMediumBlocks()
    {
        ReadOnlySpan<byte> buffer = Data.AsSpan(3, 2 * 3 * 1360);
        for (int length = 0; length <= buffer.Length; length++)
        {
            Assert.That(Crc32C.Update(Crc32C.InitialValue, buffer[..length]), Is.EqualTo(Reference(Crc32C.InitialValue, buffer[..length])), $"length {length}");
        }
    }

    [Test]
    public void IncrementalUpdatesAcrossRandomSplitsEqualOneShot()
    {
        var random = new Random(3720);
        for (int round = 0; round < 40; round++)
        {
            int length = random.Next(MaxLength + 1);
            ReadOnlySpan<byte> data = Data.AsSpan(random.Next(64), length);
            uint expected = Reference(Crc32C.InitialValue, data);

            uint running = Crc32C.InitialValue;
            int position = 0;
            while (position < length)
            {
                // Piece sizes from 0 bytes to 48 KiB, skewed towards the small ones.
                int limit = random.Next(4) switch { 0 => 16, 1 => 300, 2 => 5000, _ => 48 * 1024 };
                int piece = Math.Min(random.Next(limit + 1), length - position);
                running = Crc32C.Update(running, data.Slice(position, piece));
                position += piece;
            }

            Assert.That(running, Is.EqualTo(expected), $"round {round}, length {length}");
        }
    }

    [Test]
    public void SingleChainPathMatchesTheTable()
    {
        Assume.That(X86Sse42.X64.IsSupported, "no SSE4.2 on x64 here");
        var random = new Random(42);
        for (int round = 0; round < 100; round++)
        {
            ReadOnlySpan<byte> data = Data.AsSpan(random.Next(64), random.Next(70 * 1024));
            Assert.That(Crc32C.UpdateX64SingleChain(Crc32C.InitialValue, data), Is.EqualTo(Reference(Crc32C.InitialValue, data)));
        }
    }

    [Test]
    public void InterleavedPathIsInUseOnThisMachine()
    {
        // Informational: the property tests above only exercise the three lanes where these are present.
        Assume.That(X86Sse42.X64.IsSupported && X86Pclmulqdq.IsSupported, "no SSE4.2 + PCLMULQDQ on x64 here");
        Assert.That(Crc32C.IsHardwareAccelerated, Is.True);
    }

    [Test]
    public void ShiftByZeroBytesEqualsRunningTheRegisterOverZeros()
    {
        var random = new Random(11);
        byte[] zeros = new byte[3 * 2 * 4096];
        foreach (int byteCount in new[] { 0, 1, 4, 5, 8, 64, 128, 512, 1024, 4096, 8192, 3 * 2 * 4096 })
        {
            uint crc = (uint)random.Next() ^ ((uint)random.Next() << 16);
            Assert.That(Crc32C.ShiftByZeroBytes(crc, byteCount), Is.EqualTo(Reference(crc, zeros.AsSpan(0, byteCount))), $"{byteCount} bytes");
        }
    }

    [Test]
    public void PowersOfXFollowTheDefinition()
    {
        Assert.That(Crc32C.XPowerModP(0), Is.EqualTo(0x80000000u), "x^0");
        Assert.That(Crc32C.XPowerModP(31), Is.EqualTo(0x00000001u), "x^31");
        // x^32 = P(x) − x^32: the reflected polynomial itself.
        Assert.That(Crc32C.XPowerModP(32), Is.EqualTo(0x82F63B78u), "x^32");
        Assert.That(Crc32C.MultiplyModP(Crc32C.XPowerModP(1000), Crc32C.XPowerModP(2345)), Is.EqualTo(Crc32C.XPowerModP(3345)));
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
