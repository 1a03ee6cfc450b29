namespace StateSave.Scsi;

/// <summary>ADDRESS METHOD: bits 7-6 of the first byte of each LUN level (SAM-5 §4.7, "logical unit addressing methods").</summary>
public enum LunAddressMethod : byte
{
    /// <summary>00b: BUS IDENTIFIER (6 bits), TARGET OR LUN (8 bits).</summary>
    PeripheralDevice = 0,

    /// <summary>01b: a 14-bit flat LUN.</summary>
    FlatSpace = 1,

    /// <summary>10b: TARGET (6 bits), BUS NUMBER (3 bits), LUN (5 bits).</summary>
    LogicalUnit = 2,

    /// <summary>11b: LENGTH and EXTENDED ADDRESS METHOD follow (well-known LUs, extended flat space, ...).</summary>
    ExtendedLogicalUnit = 3,
}
