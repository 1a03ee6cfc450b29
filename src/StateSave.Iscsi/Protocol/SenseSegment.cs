using System.Buffers.Binary;

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
}
