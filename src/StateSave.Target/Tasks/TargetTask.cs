using System.Buffers;
using StateSave.Iscsi.Protocol;
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
/// <remarks>
/// Tasks are pooled per connection (<see cref="TargetTaskPool"/>): one object serves command after command, so a
/// command allocates nothing. Each use is a <see cref="Generation"/>; whoever looks at a task from outside the
/// command's own flow (task management, session end) holds a <see cref="TaskSnapshot"/> of one generation, and
/// aborting or waiting on a generation that has ended does nothing.
/// </remarks>
internal sealed partial class TargetTask : IScsiCommand
{
    private readonly TargetConnection _connection;
    private readonly TargetTaskPool _pool;
    private readonly Action _onRunEnded;
    private ValueTask _run;
    private readonly Lock _state = new();
    private byte[] _cdb = new byte[32];
    private int _cdbLength;
    private CancellationTokenSource _cancellation;
    private int _generation;
    private bool _ended;
    private TaskCompletionSource? _endedSignal;

    public TargetTask(TargetConnection connection, TargetTaskPool pool)
    {
        _connection = connection;
        _pool = pool;
        _onRunEnded = OnRunEnded;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(connection.Closing);
    }

    public ReadOnlyMemory<byte> Cdb => _cdb.AsMemory(0, _cdbLength);

    public LogicalUnitNumber Lun { get; private set; }

    public ulong RawLun { get; private set; }

    public TaskAttribute TaskAttribute { get; private set; }

    public ulong TaskTag => InitiatorTaskTag;

    public uint InitiatorTaskTag { get; private set; }

    public uint CmdSN { get; private set; }

    public bool Immediate { get; private set; }

    public ITNexus Nexus { get; private set; } = null!;

    public ScsiDataDirection Direction { get; private set; }

    public uint ExpectedDataOutLength { get; private set; }

    public uint ExpectedDataInLength { get; private set; }

    public CancellationToken Aborted => _cancellation.Token;

    /// <summary>Set when a task management function (or the end of the session) aborted the task: no response is sent.</summary>
    public bool IsAborted { get; private set; }

    /// <summary>This use of the pooled object; changes when it is recycled.</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>Takes on a new command (the task came from the pool or is new).</summary>
    public void Start(in ScsiCommandPdu command, ITNexus nexus)
    {
        ScsiCdb cdb = command.Cdb;
        if (cdb.Length > _cdb.Length)
        {
            // Only an extended CDB AHS gets here, once per pooled task: the buffer is kept for later commands.
            _cdb = new byte[ScsiCdb.MaxLength];
        }

        cdb.CopyTo(_cdb);
        _cdbLength = cdb.Length;
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

    /// <summary>
    /// Owns the run of this command (the connection's RunTaskAsync, which never throws): when it has ended, the task
    /// goes back to the pool. A run that suspended is observed with a cached continuation, which also hands its pooled
    /// state machine back, so neither path allocates.
    /// </summary>
    public void Run(ValueTask run)
    {
        if (run.IsCompleted)
        {
            run.GetAwaiter().GetResult();
            _pool.Return(this);
            return;
        }

        _run = run;
        _run.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onRunEnded);
    }

    private void OnRunEnded()
    {
        ValueTask run = _run;
        _run = default;
        run.GetAwaiter().GetResult();
        _pool.Return(this);
    }

    /// <summary>This generation as seen from outside its own flow.</summary>
    public TaskSnapshot Snapshot() => new(this, Generation, Lun, InitiatorTaskTag);

    /// <summary>Aborts generation <paramref name="generation"/> (ABORT TASK, ABORT TASK SET, CLEAR TASK SET, a reset, the session ending).</summary>
    public void Abort(int generation) => Abort(generation, markAborted: true);

    /// <param name="generation">The generation to cancel; a later one is left alone.</param>
    /// <param name="markAborted">False when the command is cancelled but still answered (a Data-Out protocol error).</param>
    private void Abort(int generation, bool markAborted)
    {
        lock (_state)
        {
            if (generation != _generation || _ended)
            {
                return;
            }

            IsAborted |= markAborted;
            try
            {
                _cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The connection is gone with its tasks.
            }
        }
    }

    /// <summary>Completes once generation <paramref name="generation"/> has ended and its response (if any) is sent.</summary>
    public Task WhenEnded(int generation)
    {
        lock (_state)
        {
            if (generation != _generation || _ended)
            {
                return Task.CompletedTask;
            }

            // Only task management and session teardown wait: the signal is made on demand.
            _endedSignal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _endedSignal.Task;
        }
    }

    /// <summary>The command has ended; its response (if any) is sent.</summary>
    internal void MarkCompleted()
    {
        TaskCompletionSource? signal;
        lock (_state)
        {
            _ended = true;
            signal = _endedSignal;
        }

        signal?.TrySetResult();
    }

    /// <summary>Releases the command's buffers and readies the object for the next command; false when it cannot be reused.</summary>
    internal bool TryRecycle()
    {
        bool reusable = NextGeneration();

        // After the generation moved on: a Data-Out the read loop looked up before cannot land in the next command.
        ReleaseDataOutBuffers();
        ReleaseHeldDataIn();
        ResetDataIn();
        ResetDataOut();
        Nexus = null!;
        return reusable;
    }

    private bool NextGeneration()
    {
        lock (_state)
        {
            _generation++;
            _ended = false;
            _endedSignal = null;
            IsAborted = false;
            if (!_cancellation.TryReset())
            {
                // Aborted: a cancelled source cannot be reset, so a new one links to the connection again.
                _cancellation.Dispose();
                if (_connection.IsClosing)
                {
                    return false;
                }

                try
                {
                    _cancellation = CancellationTokenSource.CreateLinkedTokenSource(_connection.Closing);
                }
                catch (ObjectDisposedException)
                {
                    return false; // closed meanwhile
                }
            }
        }

        return true;
    }

    /// <summary>Releases everything for good (the connection is closing).</summary>
    internal void Release()
    {
        ReleaseDataOutBuffers();
        ReleaseHeldDataIn();
        lock (_state)
        {
            _cancellation.Dispose();
        }
    }

    private static byte[] Rent(int length) => ArrayPool<byte>.Shared.Rent(length);

    private static void Return(byte[] array) => ArrayPool<byte>.Shared.Return(array);
}
