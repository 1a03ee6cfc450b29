using System.Net;
using Microsoft.Extensions.Logging;
using StateSave.Initiator.Commands;
using StateSave.Initiator.Configuration;
using StateSave.Initiator.Connections;
using StateSave.Initiator.Logging;
using StateSave.Initiator.Login;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Transport;

namespace StateSave.Initiator.Sessions;

/// <summary>
/// An iSCSI session in the full feature phase over one connection (MaxConnections=1, ErrorRecoveryLevel=0).
/// SCSI commands are queued up to the queue depth, numbered and sent inside the target's CmdSN window; Data-In goes
/// straight into the caller's memory; R2Ts are answered from the caller's memory. When the connection is lost the
/// session is reinstated (same ISID, TSIH 0) and every command without a status is issued again; a command is
/// reported GOOD only when the target's GOOD status arrived. Thread-safe.
/// </summary>
public sealed partial class IscsiSession : IConnectionOwner, IAsyncDisposable
{
    private readonly IscsiInitiator _initiator;
    private readonly InitiatorOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SessionCounters _counters = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly EventDispatcher _events;
    private InitiatorConnection? _connection;
    private SessionState _state = SessionState.LoggedIn;
    private NegotiatedParameters _parameters;
    private ushort _tsih;
    private uint _cmdSN;
    private uint _expCmdSN;
    private uint _maxCmdSN;
    private uint _expStatSN;
    private Task _recovery = Task.CompletedTask;
    private Task _monitor = Task.CompletedTask;
    private TimeSpan _extraRecoveryDelay;

    internal IscsiSession(IscsiInitiator initiator, SessionType sessionType, string? targetName, EndPoint portal, Isid isid)
    {
        _initiator = initiator;
        _options = initiator.Options;
        _logger = _options.LoggerFactory.CreateLogger("StateSave.Initiator");
        SessionType = sessionType;
        TargetName = targetName;
        Portal = portal;
        Isid = isid;
        _parameters = NegotiatedParameters.Defaults;
        _tasks = new InitiatorTask?[_options.QueueDepth];
        _free = new Stack<InitiatorTask>(_options.QueueDepth);
        _slots = new SemaphoreSlim(_options.QueueDepth, _options.QueueDepth);
        _returnTask = ReturnTask;
        _onCommandCancelled = state => OnCommandCancelled((InitiatorTask)state!);
        _events = new EventDispatcher(_logger);
    }

    /// <summary>Raised (on the thread pool) when <see cref="State"/> changes.</summary>
    public event EventHandler<SessionStateChangedEventArgs>? StateChanged;

    /// <summary>Raised (on the thread pool) for each Asynchronous Message from the target.</summary>
    public event EventHandler<AsyncMessageEventArgs>? AsyncMessageReceived;

    public SessionType SessionType { get; }

    public string? TargetName { get; }

    /// <summary>The portal logins (and reinstatements) go to; a permanent redirection replaces it.</summary>
    public EndPoint Portal { get; private set; }

    public Isid Isid { get; }

    public ushort Tsih
    {
        get
        {
            lock (_gate)
            {
                return _tsih;
            }
        }
    }

    public SessionState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>What the last login settled.</summary>
    public NegotiatedParameters Parameters
    {
        get
        {
            lock (_gate)
            {
                return _parameters;
            }
        }
    }

    /// <summary>The identifier of the current transport connection (null while recovering).</summary>
    public string? ConnectionId
    {
        get
        {
            lock (_gate)
            {
                return _connection?.ConnectionId;
            }
        }
    }

    /// <summary>The next CmdSN and the target's window (for diagnostics and conformance tests).</summary>
    public (uint CmdSN, uint ExpCmdSN, uint MaxCmdSN, uint ExpStatSN) SequenceNumbers
    {
        get
        {
            lock (_gate)
            {
                return (_cmdSN, _expCmdSN, _maxCmdSN, _expStatSN);
            }
        }
    }

    /// <summary>A snapshot of the session's counters.</summary>
    public SessionStatistics Statistics => _counters.Snapshot();

    /// <summary>The current connection's counters (null while recovering or closed).</summary>
    public ConnectionStatistics? ConnectionStatistics
    {
        get
        {
            lock (_gate)
            {
                return _connection?.Statistics;
            }
        }
    }

    /// <summary>Installs the first connection (called by the initiator right after login).</summary>
    internal void Attach(IIscsiTransportConnection transport, LoginResult login)
    {
        lock (_gate)
        {
            InstallLocked(transport, login);
        }

        StartBackgroundWork();
    }

    private void InstallLocked(IIscsiTransportConnection transport, LoginResult login)
    {
        _parameters = login.Parameters;
        _tsih = login.Tsih;
        _cmdSN = login.ExpCmdSN;
        _expCmdSN = login.ExpCmdSN;
        _maxCmdSN = login.MaxCmdSN;
        _expStatSN = login.ExpStatSN;
        _connection = new InitiatorConnection(transport, this, login.Parameters, _logger, _counters);
        _connection.Start();
    }

    private void StartBackgroundWork()
    {
        _pump = Task.Run(PumpAsync);
        if (_options.NopInterval > TimeSpan.Zero || _options.CommandTimeout > TimeSpan.Zero)
        {
            _monitor = Task.Run(MonitorAsync);
        }
    }

    /// <summary>
    /// Drops the current connection at once, as a network failure would (for the host layer and tests). With recovery
    /// enabled the session is reinstated and the commands in flight are issued again.
    /// </summary>
    public void AbortConnection(string reason = "aborted by the host")
    {
        InitiatorConnection? connection;
        lock (_gate)
        {
            connection = _connection;
        }

        connection?.Fail(reason);
    }

    private void SetState(SessionState state, string reason)
    {
        SessionState old;
        lock (_gate)
        {
            old = ChangeStateLocked(state);
        }

        PublishStateChange(old, state, reason);
    }

    /// <summary>Changes the state under the lock; the caller publishes the change after releasing it.</summary>
    private SessionState ChangeStateLocked(SessionState state)
    {
        SessionState old = _state;
        _state = state;
        return old;
    }

    private void PublishStateChange(SessionState old, SessionState state, string reason)
    {
        if (old == state)
        {
            return;
        }

        InitiatorLog.SessionStateChanged(_logger, Isid, TargetName, old, state, reason);
        Raise(StateChanged, new SessionStateChangedEventArgs(old, state, reason));
    }

    private void Raise<TArgs>(EventHandler<TArgs>? handler, TArgs args) where TArgs : EventArgs
    {
        if (handler is not null)
        {
            _events.Post(() => handler(this, args));
        }
    }

    /// <summary>Logs out (if still logged in) and releases everything; commands still waiting end as SessionClosed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (State is SessionState.LoggedIn)
        {
            try
            {
                using var timeout = new CancellationTokenSource(_options.LogoutDrainTimeout + TimeSpan.FromSeconds(5));
                await LogoutAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception error) when (error is IscsiSessionException or OperationCanceledException or TimeoutException)
            {
            }
        }

        await CloseAsync("disposed").ConfigureAwait(false);
    }

    private async Task CloseAsync(string reason)
    {
        InitiatorConnection? connection;
        lock (_gate)
        {
            connection = _connection;
            _connection = null;
        }

        SetState(SessionState.Closed, reason);
        try
        {
            _disposing.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _pumpSignal.Close();
        if (connection is not null)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        FailEverything(CommandOutcome.SessionClosed, new IscsiSessionException($"The session is closed ({reason})."));
        await Task.WhenAll(_pump, _monitor, _recovery).ConfigureAwait(false);
    }
}
