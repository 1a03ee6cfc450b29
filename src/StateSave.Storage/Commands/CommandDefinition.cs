using StateSave.Scsi;

namespace StateSave.Storage.Commands;

/// <summary>
/// One supported command: its operation code (and service action), the CDB USAGE DATA that REPORT
/// SUPPORTED OPERATION CODES returns (SPC-5 §6.35.3) and that the logical unit also uses to reject
/// reserved bits set to one (INVALID FIELD IN CDB with a field pointer), the handler and the timeouts.
/// </summary>
public sealed class CommandDefinition
{
    /// <remarks>
    /// <c>cdbUsageData</c> has one byte per CDB byte: byte 0 the operation code, then a one for every bit the
    /// command uses (for a service action, its bits in byte 1 hold the value).
    /// </remarks>
    public CommandDefinition(ScsiOpcode operationCode, ushort? serviceAction, byte[] cdbUsageData, ScsiCommandHandler handler, CommandFlags flags = CommandFlags.None)
    {
        ArgumentNullException.ThrowIfNull(cdbUsageData);
        ArgumentNullException.ThrowIfNull(handler);
        if (cdbUsageData.Length == 0 || cdbUsageData[0] != (byte)operationCode)
        {
            throw new ArgumentException("CDB usage data starts with the operation code.", nameof(cdbUsageData));
        }

        OperationCode = operationCode;
        ServiceAction = serviceAction;
        CdbUsageData = cdbUsageData;
        Handler = handler;
        Flags = flags;
    }

    public ScsiOpcode OperationCode { get; }

    /// <summary>The service action, or null for an operation code without service actions.</summary>
    public ushort? ServiceAction { get; }

    public IReadOnlyList<byte> CdbUsageData { get; }

    public int CdbLength => CdbUsageData.Count;

    public ScsiCommandHandler Handler { get; }

    public CommandFlags Flags { get; }

    /// <summary>NOMINAL COMMAND PROCESSING TIMEOUT in seconds (command timeouts descriptor; 0 = not specified).</summary>
    public uint NominalTimeoutSeconds { get; init; }

    /// <summary>RECOMMENDED COMMAND TIMEOUT in seconds (0 = not specified).</summary>
    public uint RecommendedTimeoutSeconds { get; init; } = 30;
}
