namespace StateSave.Storage.Commands;

/// <summary>Builds CDB USAGE DATA arrays (SPC-5 §6.35.3) from readable pieces.</summary>
internal static class Usage
{
    /// <summary>Usage data of a 10-byte CDB: operation code, byte 1 flags, LBA, group, length, CONTROL.</summary>
    public static byte[] Cdb10(byte opcode, byte flags, byte group = 0x3f) => [opcode, flags, 0xff, 0xff, 0xff, 0xff, group, 0xff, 0xff, 0x07];

    public static byte[] Cdb12(byte opcode, byte flags) => [opcode, flags, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3f, 0x07];

    public static byte[] Cdb16(byte opcode, byte flags) => [opcode, flags, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3f, 0x07];
}
