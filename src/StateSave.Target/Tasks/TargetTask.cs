using System.Buffers;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Target.Connections;

namespace StateSave.Target.Tasks;

/// <summary>
/// One SCSI command at the target (RFC 7143 §4.2.5): the <see cref="IScsiCommand"/> a device server sees,
/// with the iSCSI data transfer behind it. Data-In is split by the initiator's MaxRecvDataSegmentLength and
/// MaxBurstLength, and the last PDU is held back so the status can ride on it (phase collapse, §11.7.4).
/// Data-Out is unsolicited (immediate data and the first burst) and then solicited with R2Ts only for
/// what the device server asks for, at most MaxOutstandingR2T at a time, each at most MaxBurstLength.
/// </summary>
internal sealed partial class TargetTask : IScsiCommand, IDisposable
{
    private readonly TargetConnection _connection;
    private readonly CancellationTokenSource _cancellation;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TargetTask(TargetConnection connection, in ScsiCommandPdu command, byte[] cdb, ITNexus nexus, CancellationToken connectionClosing)
    {
        _connection = connection;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(connectionClosing);
        Cdb = cdb;
        RawLun = command.Lun;
        Lun = new LogicalUnitNumber(command.Lun);
        TaskAttribute = command.Attribute;
        InitiatorTaskTag = command.InitiatorTaskTag;
        CmdSN = command.CmdSN;
        Immediate = command.Immediate;
        Nexus = nexus;
        Direction = (command.Read, command.Write) switch
        {
            (false, false) => ScsiDataDirection.None,
            (true, false) => ScsiDataDirection.FromDevice,
            (false, true) => ScsiDataDirection.ToDevice,
            _ => ScsiDataDirection.Bidirectional,
        };
        ExpectedDataOutLength = command.Write ? command.ExpectedDataTransferLength : 0;
        ExpectedDataInLength = Direction switch
        {
            ScsiDataDirection.FromDevice => command.ExpectedDataTransferLength,
            ScsiDataDirection.Bidirectional => command.BidirectionalReadDataLength ?? 0,
            _ => 0,
        };
    }

    public ReadOnlyMemory<byte> Cdb { get; }

    public LogicalUnitNumber Lun { get; }

    public ulong RawLun { get; }

    public TaskAttribute TaskAttribute { get; }

    public ulong TaskTag => InitiatorTaskTag;

    public uint InitiatorTaskTag { get; }

    public uint CmdSN { get; }

    public bool Immediate { get; }

    public ITNexus Nexus { get; }

    public ScsiDataDirection Direction { get; }

    public uint ExpectedDataOutLength { get; }

    public uint ExpectedDataInLength { get; }

    public CancellationToken Aborted => _cancellation.Token;

    /// <summary>Set when a task management function (or the end of the connection) aborted the task: no response is sent.</summary>
    public bool IsAborted { get; private set; }

    /// <summary>Completes once the task has ended and its response (if any) is sent.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Aborts the task (ABORT TASK, ABORT TASK SET, CLEAR TASK SET, a reset, or the connection ending).</summary>
    public void Abort()
    {
        IsAborted = true;
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already ended.
        }
    }

    internal void MarkCompleted() => _completion.TrySetResult();

    public void Dispose()
    {
        ReleaseDataOutBuffers();
        ReleaseHeldDataIn();
        _cancellation.Dispose();
    }

    private static byte[] Rent(int length) => ArrayPool<byte>.Shared.Rent(length);

    private static void Return(byte[] array) => ArrayPool<byte>.Shared.Return(array);
}
