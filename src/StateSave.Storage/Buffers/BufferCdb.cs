using System.Buffers.Binary;
using StateSave.Scsi;

namespace StateSave.Storage.Buffers;

/// <summary>
/// The fields of READ BUFFER (10), READ BUFFER (16) and WRITE BUFFER (SPC-5 §6.18, §6.48), with where each
/// sits so errors can point at it.
/// <code>
/// READ BUFFER(10) / WRITE BUFFER: 0 opcode, 1 MODE SPECIFIC (7-5) | MODE (4-0), 2 BUFFER ID, 3-5 BUFFER OFFSET,
///                                 6-8 ALLOCATION LENGTH / PARAMETER LIST LENGTH, 9 CONTROL
/// READ BUFFER(16):                0 opcode, 1 MODE SPECIFIC | MODE, 2-9 BUFFER OFFSET, 10-13 ALLOCATION LENGTH,
///                                 14 BUFFER ID, 15 CONTROL
/// </code>
/// </summary>
internal readonly record struct BufferCdb(
    byte Mode,
    byte ModeSpecific,
    byte BufferId,
    ulong BufferOffset,
    uint Length,
    int BufferIdField,
    int BufferOffsetField,
    int LengthField)
{
    public static bool TryParse(ReadOnlySpan<byte> cdb, out BufferCdb parsed)
    {
        parsed = default;
        if (cdb.IsEmpty)
        {
            return false;
        }

        if ((ScsiOpcode)cdb[0] == ScsiOpcode.ReadBuffer16)
        {
            if (cdb.Length < 16)
            {
                return false;
            }

            parsed = new BufferCdb((byte)(cdb[1] & 0x1f), (byte)(cdb[1] >> 5), cdb[14], BinaryPrimitives.ReadUInt64BigEndian(cdb[2..]),
                BinaryPrimitives.ReadUInt32BigEndian(cdb[10..]), 14, 2, 10);
            return true;
        }

        if (cdb.Length < 10)
        {
            return false;
        }

        parsed = new BufferCdb((byte)(cdb[1] & 0x1f), (byte)(cdb[1] >> 5), cdb[2], ReadUInt24(cdb[3..]), ReadUInt24(cdb[6..]), 2, 3, 6);
        return true;
    }

    private static uint ReadUInt24(ReadOnlySpan<byte> bytes) => (uint)((bytes[0] << 16) | (bytes[1] << 8) | bytes[2]);
}
