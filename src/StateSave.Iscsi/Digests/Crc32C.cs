using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ArmCrc32 = System.Runtime.Intrinsics.Arm.Crc32;
using X86Sse42 = System.Runtime.Intrinsics.X86.Sse42;

namespace StateSave.Iscsi.Digests;

/// <summary>
/// CRC32C (Castagnoli, reflected polynomial 0x82F63B78), the iSCSI header and data digest
/// (RFC 7143 §13.1, RFC 3720 Appendix B.4). Uses the SSE4.2 / ARMv8 CRC32C instructions when present
/// (on x64, three interleaved streams: <c>Crc32C.X64.cs</c>), a slicing-by-8 table otherwise.
/// </summary>
/// <remarks>
/// <para>The running value passed to <see cref="Update(uint, ReadOnlySpan{byte})"/> is the raw register
/// (start from <see cref="InitialValue"/>); <see cref="Finish"/> applies the final inversion. The digest is
/// sent on the wire least-significant byte first (RFC 3720 B.4 gives 32 zero bytes -> <c>aa 36 91 8a</c>).</para>
/// </remarks>
public static partial class Crc32C
{
    /// <summary>The register value before any byte has been processed.</summary>
    public const uint InitialValue = 0xFFFFFFFFu;

    private const uint ReflectedPolynomial = 0x82F63B78u;

    private static readonly uint[] Table = BuildSlicingTable();

    /// <summary>CRC32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(InitialValue, data));

    /// <summary>CRC32C of every segment of <paramref name="data"/> in order.</summary>
    public static uint Compute(in ReadOnlySequence<byte> data)
    {
        if (data.IsSingleSegment)
        {
            return Compute(data.FirstSpan);
        }

        uint crc = InitialValue;
        foreach (ReadOnlyMemory<byte> segment in data)
        {
            crc = Update(crc, segment.Span);
        }

        return Finish(crc);
    }

    /// <summary>Applies the final inversion to a running register value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Finish(uint crc) => ~crc;

    /// <summary>Writes a digest as it appears on the wire (least-significant byte first).</summary>
    public static void WriteDigest(Span<byte> destination, uint digest) =>
        BinaryPrimitives.WriteUInt32LittleEndian(destination, digest);

    /// <summary>Reads a digest as it appears on the wire (least-significant byte first).</summary>
    public static uint ReadDigest(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadUInt32LittleEndian(source);

    /// <summary>True when the CRC32C instruction of this processor is used.</summary>
    public static bool IsHardwareAccelerated => X86Sse42.X64.IsSupported || X86Sse42.IsSupported || ArmCrc32.Arm64.IsSupported;

    /// <summary>Continues a running CRC32C register over <paramref name="data"/>.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        if (X86Sse42.X64.IsSupported)
        {
            return UpdateX64(crc, data);
        }

        if (ArmCrc32.Arm64.IsSupported)
        {
            return UpdateArm64(crc, data);
        }

        return UpdateSoftware(crc, data);
    }

    private static uint UpdateArm64(uint crc, ReadOnlySpan<byte> data)
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint offset = 0;
        while (length - offset >= 8)
        {
            crc = ArmCrc32.Arm64.ComputeCrc32C(crc, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, offset)));
            offset += 8;
        }

        while (offset < length)
        {
            crc = ArmCrc32.ComputeCrc32C(crc, Unsafe.Add(ref start, offset));
            offset++;
        }

        return crc;
    }

    /// <summary>Table-driven slicing-by-8; also the reference the accelerated paths are tested against.</summary>
    internal static uint UpdateSoftware(uint crc, ReadOnlySpan<byte> data)
    {
        uint[] table = Table;
        while (data.Length >= 8)
        {
            uint low = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            uint high = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = table[(7 * 256) + (low & 0xFF)] ^ table[(6 * 256) + ((low >> 8) & 0xFF)]
                ^ table[(5 * 256) + ((low >> 16) & 0xFF)] ^ table[(4 * 256) + (low >> 24)]
                ^ table[(3 * 256) + (high & 0xFF)] ^ table[(2 * 256) + ((high >> 8) & 0xFF)]
                ^ table[256 + ((high >> 16) & 0xFF)] ^ table[high >> 24];
            data = data[8..];
        }

        foreach (byte b in data)
        {
            crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildSlicingTable()
    {
        var table = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint crc = i;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ ReflectedPolynomial : crc >> 1;
            }

            table[i] = crc;
        }

        for (int slice = 1; slice < 8; slice++)
        {
            for (int i = 0; i < 256; i++)
            {
                uint previous = table[((slice - 1) * 256) + i];
                table[(slice * 256) + i] = (previous >> 8) ^ table[previous & 0xFF];
            }
        }

        return table;
    }
}
