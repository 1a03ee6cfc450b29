using StateSave.Initiator.Commands;
using StateSave.Initiator.Connections;
using StateSave.Initiator.Logging;
using StateSave.Initiator.Login;
using StateSave.Iscsi.Transport;

namespace StateSave.Initiator.Sessions;

/// <summary>
/// ErrorRecoveryLevel 0 (RFC 7143 §7.1.4.3, §6.3.5): when the connection is lost, every command without a status is
/// put back at the head of the queue in its original order, the session is reinstated by a new login with the same
/// ISID and TSIH 0 (the target then discards the old session and its tasks), and the commands are issued again.
/// Attempts back off exponentially up to a cap; after the last one the session fails and so do its commands.
/// </summary>
public sealed partial class IscsiSession
{
    void IConnectionOwner.OnConnectionLost(InitiatorConnection connection, string reason)
    {
        List<ControlOperation> failed;
        bool recover;
        SessionState state;
        lock (_gate)
        {
            if (!ReferenceEquals(connection, _connection))
            {
                return;
            }

            _connection = null;
            failed = TakeControlOperationsLocked();
            _pendingDataOut.Clear();
            RequeueIssuedLocked();
            state = _state;
            recover = _options.Recovery.Enabled && state is SessionState.LoggedIn or SessionState.Renewing && !_disposing.IsCancellationRequested;
            if (recover)
            {
                // In the same lock as the connection's removal: nothing can observe a session without a connection
                // that is not Recovering.
                ChangeStateLocked(SessionState.Recovering);
                _recovery = Task.Run(() => RecoverAsync(reason));
            }
        }

        Interlocked.Increment(ref _counters.ConnectionsLost);
        InitiatorLog.ConnectionLost(_logger, connection.ConnectionId, Isid, reason);
        var error = new IscsiSessionException($"The connection was lost: {reason}.");
        foreach (ControlOperation operation in failed)
        {
            operation.Fail(error);
        }

        _ = connection.DisposeAsync().AsTask();
        if (state is SessionState.LoggingOut or SessionState.Closed)
        {
            return;
        }

        if (recover)
        {
            PublishStateChange(state, SessionState.Recovering, reason);
        }
        else
        {
            Fail($"connection lost and recovery is disabled: {reason}");
        }
    }

    private List<ControlOperation> TakeControlOperationsLocked()
    {
        var failed = new List<ControlOperation>(_controls.Values);
        foreach (ControlOperation operation in _pendingControl)
        {
            if (!operation.ExpectsResponse)
            {
                failed.Add(operation);
            }
        }

        _controls.Clear();
        _pendingControl.Clear();
        return failed;
    }

    /// <summary>Commands sent on the lost connection go back to the head of the queue, in submission order.</summary>
    private void RequeueIssuedLocked()
    {
        var again = new List<InitiatorTask>();
        foreach (InitiatorTask? task in _tasks)
        {
            if (task is { InUse: true, Completed: false, Issued: true })
            {
                task.ResetWireState();
                again.Add(task);
            }
        }

        if (again.Count == 0)
        {
            return;
        }

        again.Sort(static (a, b) => a.SubmitOrder.CompareTo(b.SubmitOrder));
        again.AddRange(_pendingCommands);
        _pendingCommands.Clear();
        foreach (InitiatorTask task in again)
        {
            _pendingCommands.Enqueue(task);
        }
    }

    private async Task RecoverAsync(string reason)
    {
        int maxAttempts = _options.Recovery.MaxAttempts;
        CancellationToken stop = _disposing.Token;
        TimeSpan extra = _extraRecoveryDelay;
        _extraRecoveryDelay = TimeSpan.Zero;
        for (int attempt = 0; attempt < maxAttempts; attempt++)
        {
            TimeSpan delay = _options.Recovery.BackoffFor(attempt) + (attempt == 0 ? extra : TimeSpan.Zero);
            InitiatorLog.RecoveryAttempt(_logger, Isid, attempt + 1, delay);
            try
            {
                await Task.Delay(delay, stop).ConfigureAwait(false);
                (IIscsiTransportConnection transport, LoginResult login, _) = await _initiator
                    .ConnectAndLoginAsync(Portal, SessionType, TargetName, Isid, tsih: 0, stop).ConfigureAwait(false);
                int count;
                lock (_gate)
                {
                    if (_state != SessionState.Recovering)
                    {
                        _ = transport.DisposeAsync().AsTask();
                        return;
                    }

                    // The state changes with the connection: a loss of the new connection finds LoggedIn and recovers again.
                    ChangeStateLocked(SessionState.LoggedIn);
                    InstallLocked(transport, login);
                    _reinstatements++;
                    count = _pendingCommands.Count;
                }

                Interlocked.Increment(ref _counters.Reconnects);
                InitiatorLog.SessionRecovered(_logger, Isid, login.Tsih, count);
                PublishStateChange(SessionState.Recovering, SessionState.LoggedIn, "reinstated after: " + reason);
                _pumpSignal.Set();
                return;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is IscsiLoginException or TransportException or IOException or OperationCanceledException
                or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                InitiatorLog.RecoveryFailed(_logger, Isid, attempt + 1, error.Message);
                if (error is IscsiLoginException { IsTargetStatus: true, StatusClass: Iscsi.Protocol.LoginStatusClass.InitiatorError })
                {
                    // The target refuses this initiator outright (authentication, authorization, not found): retrying cannot help.
                    Fail($"reinstatement refused: {error.Message}");
                    return;
                }
            }
        }

        Fail($"reinstatement failed {maxAttempts} times after: {reason}");
    }

    private void Fail(string reason)
    {
        InitiatorLog.SessionFailed(_logger, Isid, reason);
        SessionState old;
        lock (_gate)
        {
            if (_state == SessionState.Closed)
            {
                return;
            }

            old = ChangeStateLocked(SessionState.Failed);
        }

        PublishStateChange(old, SessionState.Failed, reason);
        FailEverything(CommandOutcome.SessionFailed, new IscsiSessionException($"The session failed: {reason}."));
    }

    /// <summary>Completes every command and operation still waiting (session closed or failed).</summary>
    private void FailEverything(CommandOutcome outcome, Exception error)
    {
        List<ControlOperation> operations;
        lock (_gate)
        {
            operations = TakeControlOperationsLocked();
            _pendingDataOut.Clear();
            _pendingCommands.Clear();
            var response = new ScsiCommandResponse { Outcome = outcome };
            foreach (InitiatorTask? task in _tasks)
            {
                if (task is { InUse: true, Completed: false })
                {
                    CompleteLocked(task, response);
                }
            }
        }

        foreach (ControlOperation operation in operations)
        {
            operation.Fail(error);
        }
    }
}
