using StateSave.Iscsi.Protocol;
using StateSave.Scsi;

namespace StateSave.Initiator.Commands;

/// <summary>
/// One SCSI command to send: the CDB (held inline, so building a command allocates nothing) and the caller's
/// buffers. Data-In is placed straight into <see cref="DataIn"/>; <see cref="DataOut"/> is sent from the caller's
/// memory. Both buffers must stay untouched until the command completes. Bidirectional commands are not supported.
/// </summary>
public readonly record struct ScsiCommand
{
    /// <param name="lun">The logical unit.</param>
    /// <param name="cdb">1 to 16 bytes; shorter CDBs are zero-padded on the wire.</param>
    public ScsiCommand(LogicalUnitNumber lun, ReadOnlySpan<byte> cdb)
    {
        if (cdb.Length is < 1 or > ScsiCdb.HeaderLength)
        {
            throw new ArgumentException($"A CDB of {cdb.Length} bytes is not supported here (1 to 16; use a raw connection for longer ones).", nameof(cdb));
        }

        Lun = lun;
        Cdb = new ScsiCdb(cdb);
        CdbLength = cdb.Length;
    }

    public LogicalUnitNumber Lun { get; init; }

    public ScsiCdb Cdb { get; }

    public int CdbLength { get; }

    /// <summary>Where read data goes; its length is the Expected Data Transfer Length of a read.</summary>
    public Memory<byte> DataIn { get; init; }

    /// <summary>What is written; its length is the Expected Data Transfer Length of a write.</summary>
    public ReadOnlyMemory<byte> DataOut { get; init; }

    public TaskAttribute Attribute { get; init; } = TaskAttribute.Simple;
}
