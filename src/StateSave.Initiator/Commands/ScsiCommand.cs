using StateSave.Scsi;

namespace StateSave.Initiator.Commands;

/// <summary>
/// One SCSI command to send: the CDB, and the caller's buffers. Data-In is placed straight into
/// <see cref="DataIn"/>; <see cref="DataOut"/> is sent from the caller's memory. Both buffers must stay untouched
/// until the command completes. Bidirectional commands are not supported.
/// </summary>
public readonly record struct ScsiCommand
{
    public ScsiCommand(LogicalUnitNumber lun, ReadOnlyMemory<byte> cdb)
    {
        Lun = lun;
        Cdb = cdb;
    }

    public LogicalUnitNumber Lun { get; init; }

    /// <summary>The CDB (1 to 16 bytes; shorter CDBs are zero-padded on the wire).</summary>
    public ReadOnlyMemory<byte> Cdb { get; init; }

    /// <summary>Where read data goes; its length is the Expected Data Transfer Length of a read.</summary>
    public Memory<byte> DataIn { get; init; }

    /// <summary>What is written; its length is the Expected Data Transfer Length of a write.</summary>
    public ReadOnlyMemory<byte> DataOut { get; init; }

    public TaskAttribute Attribute { get; init; } = TaskAttribute.Simple;

    /// <summary>Builds a read command.</summary>
    public static ScsiCommand Read(LogicalUnitNumber lun, ReadOnlyMemory<byte> cdb, Memory<byte> destination) =>
        new(lun, cdb) { DataIn = destination };

    /// <summary>Builds a write command.</summary>
    public static ScsiCommand Write(LogicalUnitNumber lun, ReadOnlyMemory<byte> cdb, ReadOnlyMemory<byte> source) =>
        new(lun, cdb) { DataOut = source };
}
