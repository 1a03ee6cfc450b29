using System.Buffers;
using System.Buffers.Binary;

namespace StateSave.Iscsi.Protocol;

/// <summary>AHSType values (RFC 7143 §11.2.2.3).</summary>
public enum AhsType : byte
{
    Reserved = 0,
    ExtendedCdb = 1,
    BidirectionalReadDataLength = 2,
}

/// <summary>
/// Additional Header Segment framing (RFC 7143 §11.2.2).
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0| AHSLength                     | AHSType       | AHS-Specific  |
///    +---------------+---------------+---------------+---------------+
///   4/ AHS-Specific                                                  /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///   x
/// </code>
/// AHSLength counts the bytes after the AHS-Specific byte 3, excluding padding to a 4-byte boundary.
/// </summary>
public static class AdditionalHeaderSegment
{
    /// <summary>TotalAHSLength is one byte of 4-byte words: at most 1020 bytes of AHS.</summary>
    public const int MaxTotalLength = 255 * 4;

    /// <summary>Bytes of AHS framing before the AHS-specific data (AHSLength, AHSType, the AHS-specific byte).</summary>
    public const int FixedLength = 3;

    /// <summary>AHSLength of the Bidirectional Read Data Length AHS (RFC 7143 §11.2.2.5): the reserved byte and 4 bytes.</summary>
    public const int BidirectionalReadDataLengthAhsLength = 5;

    /// <summary>Wire length of one AHS whose AHSLength is <paramref name="ahsLength"/>, padded to 4 bytes.</summary>
    public static int PaddedLength(int ahsLength) => (FixedLength + ahsLength + 3) & ~3;

    /// <summary>
    /// Checks that the AHS entries tile <paramref name="area"/> exactly (RFC 7143 §11.2.1.5: TotalAHSLength is
    /// the sum of the padded AHS lengths). Returns false when an entry runs past the area or an entry is empty.
    /// </summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> area)
    {
        while (!area.IsEmpty)
        {
            if (area.Length < 4)
            {
                return false;
            }

            int ahsLength = BinaryPrimitives.ReadUInt16BigEndian(area);
            int padded = PaddedLength(ahsLength);
            if (ahsLength == 0 || padded > area.Length)
            {
                return false;
            }

            area = area[padded..];
        }

        return true;
    }

    /// <summary>
    /// Finds the first AHS of <paramref name="type"/> in a well-formed AHS area and returns its AHS-specific data
    /// (AHSLength bytes starting at byte 3, i.e. including the reserved byte that ends the 4-byte AHS header).
    /// </summary>
    public static bool TryFind(in ReadOnlySequence<byte> area, AhsType type, out ReadOnlySequence<byte> ahsData)
    {
        ReadOnlySequence<byte> remaining = area;
        Span<byte> framing = stackalloc byte[FixedLength];
        while (remaining.Length >= 4)
        {
            remaining.Slice(0, FixedLength).CopyTo(framing);
            int ahsLength = BinaryPrimitives.ReadUInt16BigEndian(framing);
            int padded = PaddedLength(ahsLength);
            if (ahsLength == 0 || padded > remaining.Length)
            {
                break;
            }

            if ((framing[2] & 0x3F) == (byte)type)
            {
                ahsData = remaining.Slice(FixedLength, ahsLength);
                return true;
            }

            remaining = remaining.Slice(padded);
        }

        ahsData = default;
        return false;
    }
}
