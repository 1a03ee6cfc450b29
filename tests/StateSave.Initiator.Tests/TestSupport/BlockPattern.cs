using System.Buffers.Binary;

namespace StateSave.Initiator.Tests.TestSupport;

/// <summary>Blocks stamped with their LBA and a per-run pattern, so misplaced or stale data is recognised.</summary>
internal static class BlockPattern
{
    public static void Fill(Span<byte> buffer, ulong firstLba, int blockLength, uint seed)
    {
        for (int block = 0; block * blockLength < buffer.Length; block++)
        {
            Span<byte> b = buffer.Slice(block * blockLength, blockLength);
            ulong lba = firstLba + (ulong)block;
            for (int i = 0; i < blockLength; i += 16)
            {
                BinaryPrimitives.WriteUInt64BigEndian(b[i..], lba);
                BinaryPrimitives.WriteUInt32BigEndian(b[(i + 8)..], seed);
                BinaryPrimitives.WriteUInt32BigEndian(b[(i + 12)..], (uint)i ^ (uint)lba ^ seed);
            }
        }
    }

    /// <summary>The first LBA whose content differs from the pattern, or null.</summary>
    public static ulong? FirstMismatch(ReadOnlySpan<byte> buffer, ulong firstLba, int blockLength, uint seed)
    {
        Span<byte> expected = stackalloc byte[blockLength];
        for (int block = 0; block * blockLength < buffer.Length; block++)
        {
            Fill(expected, firstLba + (ulong)block, blockLength, seed);
            if (!buffer.Slice(block * blockLength, blockLength).SequenceEqual(expected))
            {
                return firstLba + (ulong)block;
            }
        }

        return null;
    }
}
