using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using X86Pclmulqdq = System.Runtime.Intrinsics.X86.Pclmulqdq;
using X86Sse42 = System.Runtime.Intrinsics.X86.Sse42;

namespace StateSave.Iscsi.Digests;

/// <summary>The x64 path: the SSE4.2 <c>crc32 r64</c> instruction, on three interleaved streams.</summary>
/// <remarks>
/// <para>One chain of <c>crc32</c> instructions is bound by the instruction's latency (3 cycles per 8 bytes),
/// while the processor can start one every cycle. So a block of three equal lanes is run as three independent
/// chains in one loop, the first started from the running register and the other two from zero, and the three
/// partial registers are joined by shifting each by the length of the lanes after it (see
/// <c>Crc32C.Shift.cs</c>). A shift is one carry-less multiply by a constant fixed per lane length, then one
/// <c>crc32</c> to reduce the product modulo P. Blocks come in three fixed sizes, largest first; what is left
/// (under three short lanes) goes through the single chain.</para>
/// </remarks>
public static partial class Crc32C
{
    // Lane lengths (bytes, multiples of 16). The join costs about as much as a dozen crc32 instructions: long
    // lanes make it negligible. The medium lane is a third of 4 KiB rounded down, so a 4 KiB data segment is one
    // block plus a 16-byte tail; any larger power of two leaves 4 or 8 KiB after the long blocks
    // (2^k mod 12288 = 4096·(2^(k−12) mod 3)), hence one or two medium blocks and a 16- or 32-byte tail. The
    // short lane keeps the other lengths from a few hundred bytes on off the single chain.
    private const int LongLane = 4096;
    private const int MediumLane = 1360;
    private const int ShortLane = 64;

    /// <summary>Below this the three-lane path has nothing to do: the single chain takes the whole buffer.</summary>
    internal const int InterleaveThreshold = 3 * ShortLane;

    private static readonly Vector128<ulong> LongLaneShifts = LaneShifts(LongLane);
    private static readonly Vector128<ulong> MediumLaneShifts = LaneShifts(MediumLane);
    private static readonly Vector128<ulong> ShortLaneShifts = LaneShifts(ShortLane);

    private static uint UpdateX64(uint crc, ReadOnlySpan<byte> data)
    {
        if (!X86Pclmulqdq.IsSupported || data.Length < InterleaveThreshold)
        {
            return UpdateX64SingleChain(crc, data);
        }

        ref byte start = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint offset = 0;
        crc = UpdateThreeLanes(crc, ref start, ref offset, length, LongLane, LongLaneShifts);
        crc = UpdateThreeLanes(crc, ref start, ref offset, length, MediumLane, MediumLaneShifts);
        crc = UpdateThreeLanes(crc, ref start, ref offset, length, ShortLane, ShortLaneShifts);
        return UpdateX64SingleChain(crc, data[(int)offset..]);
    }

    /// <summary>
    /// Runs every whole block of three <paramref name="lane"/>-byte lanes from <paramref name="offset"/> on, and
    /// moves <paramref name="offset"/> past them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint UpdateThreeLanes(
        uint crc, ref byte start, ref nuint offset, nuint length, nuint lane, Vector128<ulong> shifts)
    {
        while (length - offset >= 3 * lane)
        {
            ref byte first = ref Unsafe.Add(ref start, offset);
            ref byte second = ref Unsafe.Add(ref first, lane);
            ref byte third = ref Unsafe.Add(ref second, lane);
            ulong crcFirst = crc;
            ulong crcSecond = 0;
            ulong crcThird = 0;
            for (nuint i = 0; i < lane; i += 16)
            {
                crcFirst = X86Sse42.X64.Crc32(crcFirst, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref first, i)));
                crcSecond = X86Sse42.X64.Crc32(crcSecond, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref second, i)));
                crcThird = X86Sse42.X64.Crc32(crcThird, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref third, i)));
                crcFirst = X86Sse42.X64.Crc32(crcFirst, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref first, i + 8)));
                crcSecond = X86Sse42.X64.Crc32(crcSecond, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref second, i + 8)));
                crcThird = X86Sse42.X64.Crc32(crcThird, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref third, i + 8)));
            }

            crc = JoinLanes(crcFirst, crcSecond, (uint)crcThird, shifts);
            offset += 3 * lane;
        }

        return crc;
    }

    /// <summary>
    /// <c>first·x^(8·2L) + second·x^(8L) + third mod P</c> for lanes of L bytes, where
    /// <paramref name="shifts"/> is <see cref="LaneShifts"/>(L).
    /// </summary>
    /// <remarks>
    /// <para>For reflected 32-bit <c>a</c> and <c>k</c>, the 64-bit carry-less product read as a reflected
    /// 64-bit value is <c>x·a·k</c>, and <c>crc32(0, q)</c> is <c>q·x^32 mod P</c>: together
    /// <c>a·k·x^33 mod P</c>. With <c>k = x^(8n−33) mod P</c> that is <c>a</c> shifted by <c>n</c> bytes.
    /// Both products are reduced by one <c>crc32</c>, as the reduction is linear.</para>
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint JoinLanes(ulong first, ulong second, uint third, Vector128<ulong> shifts)
    {
        Vector128<ulong> partials = Vector128.Create(first, second);
        Vector128<ulong> products = X86Pclmulqdq.CarrylessMultiply(partials, shifts, 0x00)
            ^ X86Pclmulqdq.CarrylessMultiply(partials, shifts, 0x11);
        return (uint)X86Sse42.X64.Crc32(0, products.ToScalar()) ^ third;
    }

    /// <summary>
    /// The carry-less multipliers that shift the first lane of a block by two lanes (low half) and the second
    /// by one lane (high half), for lanes of <paramref name="lane"/> bytes.
    /// </summary>
    private static Vector128<ulong> LaneShifts(int lane) =>
        Vector128.Create((ulong)XPowerModP((8L * 2 * lane) - 33), (ulong)XPowerModP((8L * lane) - 33));

    /// <summary>
    /// One dependent chain of <c>crc32</c> instructions, the path before the interleaved one and still the
    /// reference it is benchmarked against: bound by the instruction's latency (8 bytes per 3 cycles). It takes
    /// the short buffers and the tail of the interleaved path. Requires SSE4.2 on x64.
    /// </summary>
    internal static uint UpdateX64SingleChain(uint crc, ReadOnlySpan<byte> data)
    {
        ref byte start = ref MemoryMarshal.GetReference(data);
        nuint length = (nuint)data.Length;
        nuint offset = 0;
        ulong crc64 = crc;

        // The unrolling only trims loop overhead: each instruction still waits for the previous one.
        while (length - offset >= 32)
        {
            crc64 = X86Sse42.X64.Crc32(crc64, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, offset)));
            crc64 = X86Sse42.X64.Crc32(crc64, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, offset + 8)));
            crc64 = X86Sse42.X64.Crc32(crc64, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, offset + 16)));
            crc64 = X86Sse42.X64.Crc32(crc64, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, offset + 24)));
            offset += 32;
        }

        while (length - offset >= 8)
        {
            crc64 = X86Sse42.X64.Crc32(crc64, Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, offset)));
            offset += 8;
        }

        uint result = (uint)crc64;
        while (offset < length)
        {
            result = X86Sse42.Crc32(result, Unsafe.Add(ref start, offset));
            offset++;
        }

        return result;
    }
}
