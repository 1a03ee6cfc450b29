using System.Buffers.Binary;

namespace StateSave.Host.Applications;

/// <summary>
/// The content a verifying workload writes to each block, so that every read can be checked: bytes 0-7 the magic
/// "SSBLOCK1", 8-15 the LBA, 16-23 the write generation, 24-27 the workload's identifier, 28-31 reserved, then a
/// pattern derived from (LBA, generation), and the last 8 bytes a 64-bit checksum of everything before
/// (an FNV-style multiply-xor over 8-byte words: it catches torn, stale and misplaced blocks, not adversaries).
/// </summary>
public static class BlockStamp
{
    public const int MinimumBlockLength = 64;

    private const ulong Magic = 0x5353424C4F434B31; // "SSBLOCK1"

    /// <summary>Fills one block.</summary>
    public static void Write(Span<byte> block, ulong logicalBlockAddress, ulong generation, uint workload)
    {
        if (block.Length < MinimumBlockLength)
        {
            throw new ArgumentException($"A stamped block needs at least {MinimumBlockLength} bytes.", nameof(block));
        }

        BinaryPrimitives.WriteUInt64BigEndian(block, Magic);
        BinaryPrimitives.WriteUInt64BigEndian(block[8..], logicalBlockAddress);
        BinaryPrimitives.WriteUInt64BigEndian(block[16..], generation);
        BinaryPrimitives.WriteUInt32BigEndian(block[24..], workload);
        BinaryPrimitives.WriteUInt32BigEndian(block[28..], 0);
        ulong state = (logicalBlockAddress * 0x9E3779B97F4A7C15) ^ (generation + 0xD1B54A32D192ED03);
        Span<byte> body = block[32..^8];
        int i = 0;
        for (; i + 8 <= body.Length; i += 8)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            BinaryPrimitives.WriteUInt64LittleEndian(body[i..], state);
        }

        for (; i < body.Length; i++)
        {
            body[i] = (byte)(state >> (i % 8 * 8));
        }

        BinaryPrimitives.WriteUInt64BigEndian(block[^8..], Checksum(block[..^8]));
    }

    /// <summary>What a block holds.</summary>
    public static BlockCheck Read(ReadOnlySpan<byte> block, out ulong logicalBlockAddress, out ulong generation, out uint workload)
    {
        logicalBlockAddress = 0;
        generation = 0;
        workload = 0;
        if (block.Length < MinimumBlockLength)
        {
            return BlockCheck.NotStamped;
        }

        if (BinaryPrimitives.ReadUInt64BigEndian(block) != Magic)
        {
            return block.IndexOfAnyExcept((byte)0) < 0 ? BlockCheck.Zero : BlockCheck.NotStamped;
        }

        logicalBlockAddress = BinaryPrimitives.ReadUInt64BigEndian(block[8..]);
        generation = BinaryPrimitives.ReadUInt64BigEndian(block[16..]);
        workload = BinaryPrimitives.ReadUInt32BigEndian(block[24..]);
        return BinaryPrimitives.ReadUInt64BigEndian(block[^8..]) == Checksum(block[..^8]) ? BlockCheck.Valid : BlockCheck.BadChecksum;
    }

    /// <summary>The checksum of <paramref name="data"/> (the block without its last 8 bytes).</summary>
    public static ulong Checksum(ReadOnlySpan<byte> data)
    {
        const ulong Prime = 0x100000001B3;
        ulong hash = 0xCBF29CE484222325;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8)
        {
            hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(data[i..])) * Prime;
            hash ^= hash >> 29;
        }

        for (; i < data.Length; i++)
        {
            hash = (hash ^ data[i]) * Prime;
        }

        return hash;
    }
}

/// <summary>What <see cref="BlockStamp.Read"/> found.</summary>
public enum BlockCheck
{
    Valid,
    Zero,
    NotStamped,
    BadChecksum,
}
