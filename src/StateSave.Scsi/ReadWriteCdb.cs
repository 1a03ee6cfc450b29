namespace StateSave.Scsi;

/// <summary>
/// The common fields of READ and WRITE (6), (10), (12) and (16) (SBC-4 READ/WRITE commands), as decoded by
/// <see cref="Cdb.TryDecodeReadWrite"/>.
/// </summary>
/// <param name="OperationCode">The command.</param>
/// <param name="LogicalBlockAddress">LOGICAL BLOCK ADDRESS (21 bits for the six-byte CDBs).</param>
/// <param name="TransferLength">TRANSFER LENGTH in logical blocks; a READ(6)/WRITE(6) value of 0 is already turned into 256.</param>
/// <param name="ForceUnitAccess">FUA (not in the six-byte CDBs).</param>
/// <param name="DisablePageOut">DPO (not in the six-byte CDBs).</param>
/// <param name="Protect">RDPROTECT or WRPROTECT (3 bits; not in the six-byte CDBs).</param>
/// <param name="GroupNumber">GROUP NUMBER (6 bits; not in the six-byte CDBs).</param>
public readonly record struct ReadWriteCdb(
    ScsiOpcode OperationCode,
    ulong LogicalBlockAddress,
    uint TransferLength,
    bool ForceUnitAccess,
    bool DisablePageOut,
    byte Protect,
    byte GroupNumber)
{
    /// <summary>WRITE(6/10/12/16) rather than READ.</summary>
    public bool IsWrite => OperationCode is ScsiOpcode.Write6 or ScsiOpcode.Write10 or ScsiOpcode.Write12 or ScsiOpcode.Write16;

    /// <summary>
    /// True when every block of the transfer lies below <paramref name="logicalBlockCount"/>; otherwise
    /// the device server reports ILLEGAL REQUEST, LOGICAL BLOCK ADDRESS OUT OF RANGE (SBC-4).
    /// </summary>
    public bool IsWithinCapacity(ulong logicalBlockCount) =>
        LogicalBlockAddress <= logicalBlockCount && TransferLength <= logicalBlockCount - LogicalBlockAddress;
}
