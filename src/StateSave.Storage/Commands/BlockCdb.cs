using System.Buffers.Binary;

namespace StateSave.Storage.Commands;

/// <summary>
/// LOGICAL BLOCK ADDRESS and a block count in the usual places of the SBC-4 10-, 12- and 16-byte CDBs:
/// (10) LBA bytes 2-5, count bytes 7-8; (12) LBA 2-5, count 6-9; (16) LBA 2-9, count 10-13.
/// </summary>
internal readonly record struct BlockCdb(ulong LogicalBlockAddress, uint BlockCount, int CountOffset)
{
    public static BlockCdb Decode(ReadOnlySpan<byte> cdb, int cdbLength) => cdbLength switch
    {
        10 => new(BinaryPrimitives.ReadUInt32BigEndian(cdb[2..]), BinaryPrimitives.ReadUInt16BigEndian(cdb[7..]), 7),
        12 => new(BinaryPrimitives.ReadUInt32BigEndian(cdb[2..]), BinaryPrimitives.ReadUInt32BigEndian(cdb[6..]), 6),
        _ => new(BinaryPrimitives.ReadUInt64BigEndian(cdb[2..]), BinaryPrimitives.ReadUInt32BigEndian(cdb[10..]), 10),
    };

    /// <summary>RDPROTECT / WRPROTECT / VRPROTECT / ORPROTECT (byte 1 bits 7-5).</summary>
    public static int Protect(ReadOnlySpan<byte> cdb) => cdb[1] >> 5;

    /// <summary>FUA (byte 1 bit 3).</summary>
    public static bool ForceUnitAccess(ReadOnlySpan<byte> cdb) => (cdb[1] & 0x08) != 0;
}
