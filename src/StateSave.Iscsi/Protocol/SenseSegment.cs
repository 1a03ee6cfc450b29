using System.Buffers;
using System.Buffers.Binary;
using StateSave.Scsi;

namespace StateSave.Iscsi.Protocol;

/// <summary>
/// The data segment layout that carries SCSI sense data in a SCSI Response or an Asynchronous Message
/// (RFC 7143 §11.4.7.1): a 2-byte big-endian SenseLength followed by the sense data.
/// </summary>
public static class SenseSegment
{
    public const int SenseLengthFieldLength = 2;

    /// <summary>Writes SenseLength and <paramref name="senseData"/> into <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Encode(Span<byte> destination, ReadOnlySpan<byte> senseData)
    {
        if (senseData.Length > ushort.MaxValue)
        {
            throw new ArgumentException("Sense data cannot exceed 65535 bytes.", nameof(senseData));
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)senseData.Length);
        senseData.CopyTo(destination[SenseLengthFieldLength..]);
        return SenseLengthFieldLength + senseData.Length;
    }

    /// <summary>A new data segment holding <paramref name="sense"/>: SenseLength, then the sense data in its format.</summary>
    public static byte[] ToArray(in SenseData sense)
    {
        byte[] segment = new byte[SenseLengthFieldLength + sense.EncodedLength];
        int written = sense.Encode(segment.AsSpan(SenseLengthFieldLength));
        BinaryPrimitives.WriteUInt16BigEndian(segment, (ushort)written);
        return segment;
    }

    /// <summary>
    /// Splits a data segment into the sense data SenseLength announces and what follows it (response data); an empty
    /// segment has neither. False when the segment is too short for its SenseLength.
    /// </summary>
    public static bool TrySplit(in ReadOnlySequence<byte> segment, out ReadOnlySequence<byte> senseData, out ReadOnlySequence<byte> rest)
    {
        senseData = default;
        rest = default;
        if (segment.IsEmpty)
        {
            return true;
        }

        if (segment.Length < SenseLengthFieldLength)
        {
            return false;
        }

        Span<byte> lengthField = stackalloc byte[SenseLengthFieldLength];
        segment.Slice(0, SenseLengthFieldLength).CopyTo(lengthField);
        int senseLength = BinaryPrimitives.ReadUInt16BigEndian(lengthField);
        if (SenseLengthFieldLength + senseLength > segment.Length)
        {
            return false;
        }

        senseData = segment.Slice(SenseLengthFieldLength, senseLength);
        rest = segment.Slice(SenseLengthFieldLength + senseLength);
        return true;
    }

    /// <summary>Decodes the sense data of a segment; false when SenseLength runs past it or the sense does not decode.</summary>
    public static bool TryDecode(in ReadOnlySequence<byte> segment, out SenseData sense)
    {
        sense = default;
        if (!TrySplit(segment, out ReadOnlySequence<byte> senseData, out _) || senseData.IsEmpty || senseData.Length > SenseData.MaximumLength)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[(int)senseData.Length];
        senseData.CopyTo(bytes);
        return SenseData.TryDecode(bytes, out sense);
    }
}
