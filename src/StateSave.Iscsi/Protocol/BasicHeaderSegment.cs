using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace StateSave.Iscsi.Protocol;

/// <summary>
/// The 48-byte Basic Header Segment every iSCSI PDU starts with (RFC 7143 §11.2.1), held inline
/// (a copy of 48 bytes, never a heap allocation). Data segments are not copied: see <see cref="IscsiPdu"/>.
/// </summary>
/// <remarks>
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0|.|I| Opcode    |F|  Opcode-specific fields                     |
///    +---------------+---------------+---------------+---------------+
///   4|TotalAHSLength | DataSegmentLength                             |
///    +---------------+---------------+---------------+---------------+
///   8| LUN or Opcode-specific fields                                 |
///    +                                                               +
///  12|                                                               |
///    +---------------+---------------+---------------+---------------+
///  16| Initiator Task Tag                                            |
///    +---------------+---------------+---------------+---------------+
///  20/ Opcode-specific fields                                        /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///  48
/// </code>
/// </remarks>
public struct BasicHeaderSegment
{
    /// <summary>Length of the BHS in bytes.</summary>
    public const int Length = 48;

    /// <summary>Offset of TotalAHSLength (in 4-byte words).</summary>
    public const int TotalAhsLengthOffset = 4;

    /// <summary>Offset of the 24-bit DataSegmentLength.</summary>
    public const int DataSegmentLengthOffset = 5;

    /// <summary>Offset of the LUN (or opcode-specific) field.</summary>
    public const int LunOffset = 8;

    /// <summary>Offset of the Initiator Task Tag.</summary>
    public const int InitiatorTaskTagOffset = 16;

    /// <summary>Largest value of the 24-bit DataSegmentLength field.</summary>
    public const int MaxDataSegmentLength = 0xFF_FFFF;

    private const byte ImmediateBit = 0x40;
    private const byte FinalBit = 0x80;
    private const byte OpcodeMask = 0x3F;

    private HeaderBytes _bytes;

    /// <summary>Copies a BHS out of <paramref name="source"/> (at least 48 bytes).</summary>
    public BasicHeaderSegment(ReadOnlySpan<byte> source)
    {
        source[..Length].CopyTo(_bytes);
    }

    public readonly IscsiOpcode Opcode => (IscsiOpcode)(_bytes[0] & OpcodeMask);

    /// <summary>The I bit: immediate delivery (initiator PDUs only).</summary>
    public readonly bool Immediate => (_bytes[0] & ImmediateBit) != 0;

    /// <summary>The F bit in byte 1, for the PDUs that define it.</summary>
    public readonly bool Final => (_bytes[1] & FinalBit) != 0;

    /// <summary>TotalAHSLength, in 4-byte words.</summary>
    public readonly byte TotalAhsLength => _bytes[TotalAhsLengthOffset];

    /// <summary>DataSegmentLength in bytes, excluding padding.</summary>
    public readonly int DataSegmentLength =>
        (_bytes[DataSegmentLengthOffset] << 16) | (_bytes[DataSegmentLengthOffset + 1] << 8) | _bytes[DataSegmentLengthOffset + 2];

    public readonly ulong Lun => ReadUInt64(LunOffset);

    public readonly uint InitiatorTaskTag => ReadUInt32(InitiatorTaskTagOffset);

    public readonly byte this[int offset] => _bytes[offset];

    public readonly ushort ReadUInt16(int offset) => BinaryPrimitives.ReadUInt16BigEndian(((ReadOnlySpan<byte>)_bytes)[offset..]);

    public readonly uint ReadUInt32(int offset) => BinaryPrimitives.ReadUInt32BigEndian(((ReadOnlySpan<byte>)_bytes)[offset..]);

    public readonly ulong ReadUInt64(int offset) => BinaryPrimitives.ReadUInt64BigEndian(((ReadOnlySpan<byte>)_bytes)[offset..]);

    /// <summary>Copies <paramref name="length"/> bytes starting at <paramref name="offset"/> into <paramref name="destination"/>.</summary>
    public readonly void CopyTo(int offset, int length, Span<byte> destination) =>
        ((ReadOnlySpan<byte>)_bytes).Slice(offset, length).CopyTo(destination);

    /// <summary>Copies all 48 bytes into <paramref name="destination"/>.</summary>
    public readonly void CopyTo(Span<byte> destination) => ((ReadOnlySpan<byte>)_bytes).CopyTo(destination);

    /// <summary>A heap copy of the 48 bytes, for diagnostics and Reject data segments.</summary>
    public readonly byte[] ToArray() => ((ReadOnlySpan<byte>)_bytes).ToArray();

    /// <summary>Writes the 24-bit DataSegmentLength into a BHS being encoded.</summary>
    internal static void WriteDataSegmentLength(Span<byte> bhs, int length)
    {
        bhs[DataSegmentLengthOffset] = (byte)(length >> 16);
        bhs[DataSegmentLengthOffset + 1] = (byte)(length >> 8);
        bhs[DataSegmentLengthOffset + 2] = (byte)length;
    }

    /// <summary>Writes byte 0: the I bit and the opcode.</summary>
    internal static void WriteOpcode(Span<byte> bhs, IscsiOpcode opcode, bool immediate) =>
        bhs[0] = (byte)((byte)opcode | (immediate ? ImmediateBit : 0));

    [InlineArray(Length)]
    private struct HeaderBytes
    {
        private byte _element0;
    }
}
