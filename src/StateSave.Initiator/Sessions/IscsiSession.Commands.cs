using StateSave.Initiator.Commands;
using StateSave.Iscsi.Protocol;
using StateSave.Scsi;

namespace StateSave.Initiator.Sessions;

public sealed partial class IscsiSession
{
    private readonly InitiatorTask?[] _tasks;
    private readonly Stack<InitiatorTask> _free;
    private readonly SemaphoreSlim _slots;
    private readonly Action<InitiatorTask> _returnTask;
    private readonly Action<object?> _onCommandCancelled;
    private readonly Queue<InitiatorTask> _pendingCommands = new();
    private long _submitOrder;

    /// <summary>
    /// Runs one SCSI command. Waits for a free slot (queue depth) and for the CmdSN window; completes when the
    /// target's status arrives (or the command is aborted, or the session fails). Cancelling
    /// <paramref name="cancellationToken"/> after the command was sent issues ABORT TASK; the command then ends
    /// <see cref="CommandOutcome.Aborted"/> unless its status arrived first.
    /// </summary>
    /// <remarks>
    /// No allocation in steady state: task objects are pooled and the returned value task is backed by one of them.
    /// Only a caller that finds every slot taken goes through an async wait.
    /// </remarks>
    public ValueTask<ScsiCommandResponse> ExecuteAsync(ScsiCommand command, CancellationToken cancellationToken = default)
    {
        Validate(command);
        SessionState state = State;
        if (state is SessionState.Closed or SessionState.Failed)
        {
            return new ValueTask<ScsiCommandResponse>(Unusable(state));
        }

        if (!_slots.Wait(0, CancellationToken.None))
        {
            return ExecuteWhenSlotFreeAsync(command, cancellationToken);
        }

        return Start(command, cancellationToken);
    }

    private async ValueTask<ScsiCommandResponse> ExecuteWhenSlotFreeAsync(ScsiCommand command, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await Start(command, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Takes a task for the command (a slot is held), queues it and drives the writer.</summary>
    private ValueTask<ScsiCommandResponse> Start(in ScsiCommand command, CancellationToken cancellationToken)
    {
        InitiatorTask task;
        lock (_gate)
        {
            task = RentLocked();
            task.Prepare(command, ++_submitOrder);
            if (_state is SessionState.Closed or SessionState.Failed)
            {
                task.TryComplete(Unusable(_state));
            }
            else
            {
                _pendingCommands.Enqueue(task);
            }
        }

        Interlocked.Increment(ref _counters.Commands);
        if (cancellationToken.CanBeCanceled)
        {
            // The task itself is the state (no object per command); its tag says which use of the pooled task it was.
            task.CancelTag = task.InitiatorTaskTag;
            task.Cancellation = cancellationToken.UnsafeRegister(_onCommandCancelled, task);
        }

        KickWriter();
        return new ValueTask<ScsiCommandResponse>(task, task.Version);
    }

    private static ScsiCommandResponse Unusable(SessionState state) =>
        new() { Outcome = state == SessionState.Closed ? CommandOutcome.SessionClosed : CommandOutcome.SessionFailed };

    /// <summary>The commands not completed yet, in submission order (for the host layer and ABORT TASK).</summary>
    public IReadOnlyList<InFlightCommand> GetInFlightCommands()
    {
        var list = new List<InFlightCommand>();
        lock (_gate)
        {
            foreach (InitiatorTask? task in _tasks)
            {
                if (task is { InUse: true, Completed: false })
                {
                    list.Add(new InFlightCommand(task.InitiatorTaskTag, task.CmdSN, new LogicalUnitNumber(task.Lun), task.Cdb.OperationCode,
                        task.Issued, task.SubmitOrder));
                }
            }
        }

        list.Sort(static (a, b) => a.SubmitOrder.CompareTo(b.SubmitOrder));
        return list;
    }

    private static void Validate(in ScsiCommand command)
    {
        if (command.CdbLength == 0)
        {
            throw new ArgumentException("The command has no CDB.", nameof(command));
        }

        if (!command.DataIn.IsEmpty && !command.DataOut.IsEmpty)
        {
            throw new ArgumentException("Bidirectional commands are not supported.", nameof(command));
        }
    }

    private InitiatorTask RentLocked()
    {
        if (_free.TryPop(out InitiatorTask? task))
        {
            task.InUse = true;
            return task;
        }

        for (int slot = 0; slot < _tasks.Length; slot++)
        {
            if (_tasks[slot] is null)
            {
                task = new InitiatorTask(slot, _returnTask) { InUse = true };
                _tasks[slot] = task;
                return task;
            }
        }

        throw new InvalidOperationException("No free task slot although the queue-depth semaphore was taken.");
    }

    private void ReturnTask(InitiatorTask task)
    {
        lock (_gate)
        {
            task.InUse = false;
            _free.Push(task);
        }

        _slots.Release();
    }

    /// <summary>Finds the task a target PDU names; null for a tag no command in flight has (a late or stray PDU).</summary>
    private InitiatorTask? FindTaskLocked(uint initiatorTaskTag)
    {
        if ((initiatorTaskTag & ControlTagBit) != 0)
        {
            return null;
        }

        int slot = (int)(initiatorTaskTag & 0xFFFF);
        InitiatorTask? task = slot < _tasks.Length ? _tasks[slot] : null;
        return task is { InUse: true, Completed: false } && task.InitiatorTaskTag == initiatorTaskTag ? task : null;
    }

    private void CompleteLocked(InitiatorTask task, in ScsiCommandResponse response)
    {
        if (task.TryComplete(response))
        {
            Interlocked.Increment(ref _counters.CommandsCompleted);
            if (!response.IsGood)
            {
                Interlocked.Increment(ref _counters.Errors);
            }

            if (response.Outcome == CommandOutcome.Aborted)
            {
                Interlocked.Increment(ref _counters.Aborts);
            }
        }
    }

    private void OnCommandCancelled(InitiatorTask task)
    {
        bool sendAbort;
        uint cmdSN;
        uint initiatorTaskTag;
        lock (_gate)
        {
            initiatorTaskTag = task.CancelTag;
            if (!task.InUse || task.Completed || task.InitiatorTaskTag != initiatorTaskTag)
            {
                return;
            }

            sendAbort = task.Issued;
            cmdSN = task.CmdSN;
            if (!sendAbort)
            {
                // Never sent: it simply leaves the queue (the writer skips completed tasks).
                CompleteLocked(task, new ScsiCommandResponse { Outcome = CommandOutcome.Aborted });
                return;
            }
        }

        _ = AbortIssuedTaskAsync(task, initiatorTaskTag, cmdSN);
    }

    private async Task AbortIssuedTaskAsync(InitiatorTask task, uint initiatorTaskTag, uint cmdSN)
    {
        try
        {
            await TaskManagementAsync(TaskManagementFunction.AbortTask, task.Lun, initiatorTaskTag, cmdSN, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IscsiSessionException or TimeoutException or OperationCanceledException)
        {
            // The connection went away: recovery re-issues or fails the command; nothing more to do here.
        }
    }
}

/// <summary>A command not completed yet, as <see cref="IscsiSession.GetInFlightCommands"/> reports it.</summary>
public readonly record struct InFlightCommand(uint InitiatorTaskTag, uint CmdSN, LogicalUnitNumber Lun, byte OperationCode, bool Issued, long SubmitOrder);
