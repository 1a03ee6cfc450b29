namespace StateSave.Scsi;

/// <summary>Classification of operation codes by GROUP CODE (SPC-5 §4.2.5.1).</summary>
public static class ScsiOpcodeExtensions
{
    /// <summary>First vendor-specific operation code: groups 6 and 7 (C0h-FFh) are vendor specific.</summary>
    public const byte FirstVendorSpecific = 0xc0;

    /// <summary>The GROUP CODE: bits 7-5 of the operation code (0-7).</summary>
    public static int GetGroupCode(this ScsiOpcode opcode) => (byte)opcode >> 5;

    /// <summary>True for operation codes C0h-FFh (groups 6 and 7), which SPC-5 leaves to vendors.</summary>
    public static bool IsVendorSpecific(this ScsiOpcode opcode) => (byte)opcode >= FirstVendorSpecific;

    /// <summary>
    /// The CDB length implied by the group code (SPC-5 §4.2.5.1): group 0 → 6, groups 1 and 2 → 10,
    /// group 4 → 16, group 5 → 12. Returns 0 when the group does not fix the length: group 3
    /// (reserved, and the variable-length 7Fh / extended 7Eh CDBs; use <see cref="Cdb.TryGetLength"/>)
    /// and the vendor-specific groups 6 and 7.
    /// </summary>
    public static int GetCdbLength(this ScsiOpcode opcode) => GetGroupCode(opcode) switch
    {
        0 => 6,
        1 or 2 => 10,
        4 => 16,
        5 => 12,
        _ => 0,
    };
}
