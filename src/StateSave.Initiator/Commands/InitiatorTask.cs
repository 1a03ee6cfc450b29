using System.Threading.Tasks.Sources;
using StateSave.Iscsi.Protocol;
using StateSave.Scsi;

namespace StateSave.Initiator.Commands;

/// <summary>
/// One pooled SCSI task: the command's request, its wire state on the current connection (CmdSN, DataSN,
/// outstanding R2Ts) and the completion source the caller awaits. Objects are reused: a slot keeps its object and
/// each use gets a new Initiator Task Tag (slot in the low 16 bits, a generation above), so a late PDU for an
/// earlier use never reaches the new one.
/// </summary>
internal sealed class InitiatorTask : IValueTaskSource<ScsiCommandResponse>
{
    private readonly Action<InitiatorTask> _return;
    private ManualResetValueTaskSourceCore<ScsiCommandResponse> _core = new() { RunContinuationsAsynchronously = true };
    private ushort _generation;

    public InitiatorTask(int slot, Action<InitiatorTask> returnToPool)
    {
        Slot = slot;
        _return = returnToPool;
    }

    public int Slot { get; }

    /// <summary>Rented from the pool (the session lock guards it).</summary>
    public bool InUse { get; set; }

    public uint InitiatorTaskTag { get; private set; }

    public short Version => _core.Version;

    // The request.
    public ulong Lun;
    public ScsiCdb Cdb;
    public TaskAttribute Attribute;
    public Memory<byte> DataIn;
    public ReadOnlyMemory<byte> DataOut;
    public uint ExpectedDataTransferLength;
    public bool IsRead;
    public bool IsWrite;

    // Wire state on the current connection; reset when the task is re-issued after a reinstatement.
    public bool Issued;
    public bool Completed;
    public uint CmdSN;
    public long SubmitOrder;
    public long IssuedAtTimestamp;
    public uint NextDataSN;
    public int DataInLength;
    public int OutstandingR2T;

    public readonly byte[] SenseBuffer = new byte[SenseData.MaximumLength];

    public CancellationTokenRegistration Cancellation;

    /// <summary>The tag the cancellation registration was made for (a later use of the pooled task has another).</summary>
    public uint CancelTag;

    /// <summary>Takes the task for a new command: a fresh tag, a reset completion source.</summary>
    public void Prepare(in ScsiCommand command, long submitOrder)
    {
        // 15 bits of generation keep tags of SCSI tasks below 8000_0000h, which control operations use.
        _generation = (ushort)((_generation + 1) & 0x7FFF);
        InitiatorTaskTag = ((uint)_generation << 16) | (uint)Slot;
        _core.Reset();
        Lun = command.Lun.Value;
        Cdb = command.Cdb;
        Attribute = command.Attribute;
        DataIn = command.DataIn;
        DataOut = command.DataOut;
        IsRead = !command.DataIn.IsEmpty;
        IsWrite = !command.DataOut.IsEmpty;
        ExpectedDataTransferLength = (uint)(IsRead ? command.DataIn.Length : command.DataOut.Length);
        Completed = false;
        SubmitOrder = submitOrder;
        ResetWireState();
    }

    public void ResetWireState()
    {
        Issued = false;
        CmdSN = 0;
        NextDataSN = 0;
        DataInLength = 0;
        OutstandingR2T = 0;
    }

    /// <summary>Completes the task once; the caller holds the session lock.</summary>
    public bool TryComplete(in ScsiCommandResponse response)
    {
        if (Completed)
        {
            return false;
        }

        Completed = true;
        _core.SetResult(response);
        return true;
    }

    public ScsiCommandResponse GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            DataIn = default;
            DataOut = default;
            Cancellation.Dispose();
            Cancellation = default;
            _return(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
