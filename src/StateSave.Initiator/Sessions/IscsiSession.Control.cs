using System.Buffers;
using System.Buffers.Binary;
using StateSave.Initiator.Commands;
using StateSave.Initiator.Connections;
using StateSave.Initiator.Discovery;
using StateSave.Initiator.Logging;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Scsi;

namespace StateSave.Initiator.Sessions;

/// <summary>Task management, NOP-Out pings, Text, Logout and Asynchronous Messages.</summary>
public sealed partial class IscsiSession
{
    private const uint ControlTagBit = 0x8000_0000;

    private readonly Queue<ControlOperation> _pendingControl = new();
    private readonly Dictionary<uint, ControlOperation> _controls = [];
    private uint _nextControlTag;

    /// <summary>ABORT TASK for a command in flight (see <see cref="GetInFlightCommands"/>).</summary>
    public Task<TaskManagementResponse> AbortTaskAsync(InFlightCommand command, CancellationToken cancellationToken = default) =>
        TaskManagementAsync(TaskManagementFunction.AbortTask, command.Lun.Value, command.InitiatorTaskTag, command.CmdSN, cancellationToken);

    /// <summary>ABORT TASK SET: every command of this initiator to the LU ends (those still waiting complete as Aborted).</summary>
    public Task<TaskManagementResponse> AbortTaskSetAsync(LogicalUnitNumber lun, CancellationToken cancellationToken = default) =>
        TaskManagementAsync(TaskManagementFunction.AbortTaskSet, lun.Value, ReservedTag.Value, 0, cancellationToken);

    public Task<TaskManagementResponse> ClearTaskSetAsync(LogicalUnitNumber lun, CancellationToken cancellationToken = default) =>
        TaskManagementAsync(TaskManagementFunction.ClearTaskSet, lun.Value, ReservedTag.Value, 0, cancellationToken);

    public Task<TaskManagementResponse> LogicalUnitResetAsync(LogicalUnitNumber lun, CancellationToken cancellationToken = default) =>
        TaskManagementAsync(TaskManagementFunction.LogicalUnitReset, lun.Value, ReservedTag.Value, 0, cancellationToken);

    public Task<TaskManagementResponse> TargetWarmResetAsync(CancellationToken cancellationToken = default) =>
        TaskManagementAsync(TaskManagementFunction.TargetWarmReset, 0, ReservedTag.Value, 0, cancellationToken);

    /// <summary>TARGET COLD RESET; the target closes every connection afterwards (RFC 7143 §11.5.1), so recovery follows.</summary>
    public Task<TaskManagementResponse> TargetColdResetAsync(CancellationToken cancellationToken = default) =>
        TaskManagementAsync(TaskManagementFunction.TargetColdReset, 0, ReservedTag.Value, 0, cancellationToken);

    internal async Task<TaskManagementResponse> TaskManagementAsync(TaskManagementFunction function, ulong lun, uint referencedTaskTag, uint refCmdSN,
        CancellationToken cancellationToken)
    {
        var operation = new TaskManagementOperation { Function = function, Lun = lun, ReferencedTaskTag = referencedTaskTag, RefCmdSN = refCmdSN };
        Submit(operation);
        try
        {
            return await operation.Completion.WaitAsync(_options.TaskManagementTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Interlocked.Increment(ref _counters.Timeouts);
            Forget(operation);
            AbortConnection($"no answer to {function} within {_options.TaskManagementTimeout}");
            throw;
        }
    }

    /// <summary>Sends a NOP-Out ping with <paramref name="data"/>; true when the NOP-In echoed it within <paramref name="timeout"/>.</summary>
    public async Task<bool> PingAsync(ReadOnlyMemory<byte> data = default, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var operation = new PingOperation { Data = data };
        Submit(operation);
        try
        {
            return await operation.Completion.WaitAsync(timeout ?? _options.NopTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Forget(operation);
            return false;
        }
    }

    /// <summary>A Text Request exchange (continuations followed); returns the target's pairs in order.</summary>
    public async Task<IReadOnlyList<TextKeyValue>> SendTextAsync(IReadOnlyList<TextKeyValue> pairs, CancellationToken cancellationToken = default)
    {
        byte[] text = TextCodec.Encode(pairs);
        if (text.Length > _parameters.TargetMaxRecvDataSegmentLength)
        {
            throw new ArgumentException($"The text ({text.Length} bytes) is over the target's MaxRecvDataSegmentLength.", nameof(pairs));
        }

        var operation = new TextOperation(text, TextLimits.DefaultMaxTotalTextLength * 8);
        Submit(operation);
        return await operation.Completion.WaitAsync(_options.LoginTimeout * 3, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>SendTargets (RFC 7143 Appendix C): <c>All</c> in a discovery session, or a target name / empty in a normal one.</summary>
    public async Task<IReadOnlyList<DiscoveredTarget>> SendTargetsAsync(string value = "All", CancellationToken cancellationToken = default)
    {
        IReadOnlyList<TextKeyValue> answer = await SendTextAsync([new TextKeyValue(TextKeyNames.SendTargets, value)], cancellationToken).ConfigureAwait(false);
        IReadOnlyList<DiscoveredTarget> targets = DiscoveredTarget.FromSendTargets(answer);
        InitiatorLog.DiscoveryCompleted(_logger, Portal, targets.Count);
        return targets;
    }

    /// <summary>
    /// Logs the session out (reason "close the session", RFC 7143 §11.14): stops sending new commands, waits up to
    /// the drain timeout for commands in flight, sends the Logout Request and closes the connection on the answer.
    /// </summary>
    public async Task<LogoutResponseCode> LogoutAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_state is SessionState.Closed or SessionState.Failed || _connection is null)
            {
                throw new IscsiSessionException($"The session cannot log out in state {_state}.");
            }
        }

        await DrainAsync(_options.LogoutDrainTimeout, cancellationToken).ConfigureAwait(false);
        SetState(SessionState.LoggingOut, "logout requested");
        LogoutResponsePdu response;
        try
        {
            response = await LogoutConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IscsiSessionException or TimeoutException or OperationCanceledException)
        {
            // No answer: the session is closed all the same (the target ends it when the connection goes).
            await CloseAsync("logout without an answer: " + error.Message).ConfigureAwait(false);
            throw;
        }

        InitiatorLog.LoggedOut(_logger, Isid, response.Response);
        await CloseAsync("logged out").ConfigureAwait(false);
        return response.Response;
    }

    private async Task<LogoutResponsePdu> LogoutConnectionAsync(CancellationToken cancellationToken)
    {
        var operation = new LogoutOperation { Reason = LogoutReason.CloseSession, Cid = 0 };
        Submit(operation);
        return await operation.Completion.WaitAsync(_options.LoginTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until no command is in flight (or <paramref name="timeout"/>).</summary>
    private async Task DrainAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (Environment.TickCount64 < deadline)
        {
            if (GetInFlightCount() == 0)
            {
                return;
            }

            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }

    private int GetInFlightCount()
    {
        int count = 0;
        lock (_gate)
        {
            foreach (InitiatorTask? task in _tasks)
            {
                if (task is { InUse: true, Completed: false })
                {
                    count++;
                }
            }
        }

        return count;
    }

    private void Submit(ControlOperation operation)
    {
        lock (_gate)
        {
            if (_state is SessionState.Closed or SessionState.Failed)
            {
                operation.Fail(new IscsiSessionException($"The session is {_state}."));
                return;
            }

            // Answers to the target (a ping echo, State Save Data) carry no tag of ours and expect nothing back.
            if (operation.InitiatorTaskTag == ReservedTag.Value && operation is not (PingOperation { TargetTransferTag: not ReservedTag.Value } or StateSaveDataOperation))
            {
                _nextControlTag = _nextControlTag >= 0x7FFF_FFFE ? 0 : _nextControlTag + 1;
                operation.InitiatorTaskTag = ControlTagBit | _nextControlTag;
                _controls[operation.InitiatorTaskTag] = operation;
            }

            _pendingControl.Enqueue(operation);
        }

        _pumpSignal.Set();
    }

    private void Forget(ControlOperation operation)
    {
        lock (_gate)
        {
            _controls.Remove(operation.InitiatorTaskTag);
        }
    }

    private void OnAsynchronousMessage(InitiatorConnection connection, in IscsiPdu pdu)
    {
        AsynchronousMessagePdu message = pdu.As<AsynchronousMessagePdu>();
        InitiatorLog.AsyncMessage(_logger, message.AsyncEvent, message.Lun, message.Parameter1, message.Parameter2, message.Parameter3);
        SenseData? sense = null;
        if (message.AsyncEvent == AsyncEvent.ScsiAsyncEvent && message.DataSegment.Length >= 2)
        {
            // The data segment is SenseLength + sense data, as in a SCSI Response (RFC 7143 §11.9.4).
            byte[] data = message.DataSegment.Slice(0, Math.Min(message.DataSegment.Length, 2 + SenseData.MaximumLength)).ToArray();
            int senseLength = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(data), data.Length - 2);
            if (SenseData.TryDecode(data.AsSpan(2, senseLength), out SenseData decoded))
            {
                sense = decoded;
            }
        }

        Raise(AsyncMessageReceived, new AsyncMessageEventArgs
        {
            AsyncEvent = message.AsyncEvent,
            Lun = new LogicalUnitNumber(message.Lun),
            Sense = sense,
            VendorCode = message.AsyncVCode,
            Parameter1 = message.Parameter1,
            Parameter2 = message.Parameter2,
            Parameter3 = message.Parameter3,
            Data = message.DataSegment.Length <= 64 * 1024 ? message.DataSegment.ToArray() : ReadOnlyMemory<byte>.Empty,
        });

        switch (message.AsyncEvent)
        {
            case AsyncEvent.LogoutRequest:
                // The target wants a logout within Parameter3 seconds: drain, log out, log in again (RFC 7143 §11.9.1).
                _ = RenewAsync(TimeSpan.FromSeconds(Math.Max((int)message.Parameter3, 1)), "the target requested a logout");
                break;
            case AsyncEvent.ParameterNegotiationRequest:
                // Renegotiation is done by logging out and in again, which negotiates every key afresh.
                _ = RenewAsync(TimeSpan.FromSeconds(5), "the target requested parameter negotiation");
                break;
            case AsyncEvent.DropConnection:
            case AsyncEvent.DropAllConnections:
                // The target drops the connection; reconnect after Time2Wait (Parameter2) seconds.
                _extraRecoveryDelay = TimeSpan.FromSeconds(message.Parameter2);
                connection.Fail($"the target announced it drops the connection ({message.AsyncEvent})");
                break;
        }
    }

    private async Task RenewAsync(TimeSpan drainTimeout, string reason)
    {
        InitiatorConnection? connection;
        lock (_gate)
        {
            if (_state != SessionState.LoggedIn)
            {
                return;
            }

            connection = _connection;
        }

        SetState(SessionState.Renewing, reason);
        try
        {
            await DrainAsync(drainTimeout, _disposing.Token).ConfigureAwait(false);
            await LogoutConnectionAsync(_disposing.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IscsiSessionException or TimeoutException or OperationCanceledException)
        {
        }

        // Ending the connection starts the reinstatement; commands still in flight are issued again.
        connection?.Fail(reason);
    }

    private async Task MonitorAsync()
    {
        TimeSpan period = TimeSpan.FromMilliseconds(250);
        if (_options.NopInterval > TimeSpan.Zero && _options.NopInterval < period * 4)
        {
            period = _options.NopInterval / 4;
        }

        CancellationToken stop = _disposing.Token;
        try
        {
            while (true)
            {
                await Task.Delay(period, stop).ConfigureAwait(false);
                InitiatorConnection? connection;
                lock (_gate)
                {
                    connection = _state == SessionState.LoggedIn ? _connection : null;
                }

                if (connection is null)
                {
                    continue;
                }

                CheckCommandTimeouts(connection);
                if (_options.NopInterval > TimeSpan.Zero
                    && Environment.TickCount64 - connection.LastReceived >= (long)_options.NopInterval.TotalMilliseconds)
                {
                    bool answered = await PingAsync(ReadOnlyMemory<byte>.Empty, _options.NopTimeout, stop).ConfigureAwait(false);
                    if (!answered && !connection.IsEnded)
                    {
                        Interlocked.Increment(ref _counters.Timeouts);
                        InitiatorLog.KeepaliveTimeout(_logger, connection.ConnectionId, _options.NopTimeout);
                        connection.Fail($"keepalive: no NOP-In within {_options.NopTimeout}");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (IscsiSessionException)
        {
        }
    }

    private void CheckCommandTimeouts(InitiatorConnection connection)
    {
        if (_options.CommandTimeout <= TimeSpan.Zero)
        {
            return;
        }

        long limit = Environment.TickCount64 - (long)_options.CommandTimeout.TotalMilliseconds;
        uint itt = 0;
        uint cmdSN = 0;
        bool expired = false;
        lock (_gate)
        {
            foreach (InitiatorTask? task in _tasks)
            {
                if (task is { InUse: true, Completed: false, Issued: true } && task.IssuedAtTimestamp < limit)
                {
                    (itt, cmdSN, expired) = (task.InitiatorTaskTag, task.CmdSN, true);
                    break;
                }
            }
        }

        if (expired)
        {
            Interlocked.Increment(ref _counters.Timeouts);
            InitiatorLog.CommandTimeout(_logger, connection.ConnectionId, itt, cmdSN, _options.CommandTimeout);
            connection.Fail($"command ITT 0x{itt:x8} timed out");
        }
    }
}
