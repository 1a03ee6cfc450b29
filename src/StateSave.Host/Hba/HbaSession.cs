using System.Net;
using StateSave.Initiator.Sessions;
using StateSave.Iscsi.Protocol;

namespace StateSave.Host.Hba;

/// <summary>A session changed state as the HBA driver sees it (the failover driver turns it into path states).</summary>
public sealed class HbaSessionStateChangedEventArgs(HbaSession session, SessionState oldState, SessionState newState, string reason) : EventArgs
{
    public HbaSession Session { get; } = session;

    public SessionState OldState { get; } = oldState;

    public SessionState NewState { get; } = newState;

    public string Reason { get; } = reason;
}

/// <summary>
/// One session of an initiator port to one target portal: a path as the failover driver sees it. It wraps an
/// <see cref="IscsiSession"/> (which recovers a lost connection itself); when that session fails for good the HBA
/// driver can log a new one in with the same ISID (<see cref="ReconnectAsync"/>), and the path keeps its identity.
/// </summary>
public sealed class HbaSession : IAsyncDisposable
{
    private readonly HbaDriver _driver;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _reconnecting = new(1, 1);
    private IscsiSession _session;
    private SessionStatistics _retired;
    private long _stateChanges;
    private long _asyncMessages;
    private long _reconnects;
    private DateTimeOffset _loggedInAt;
    private bool _disposed;

    internal HbaSession(HbaDriver driver, InitiatorPort port, string id, EndPoint portal, string targetName, IscsiSession session, DateTimeOffset loggedInAt)
    {
        _driver = driver;
        Port = port;
        Id = id;
        Portal = portal;
        TargetName = targetName;
        Isid = session.Isid;
        _session = session;
        _loggedInAt = loggedInAt;
        Subscribe(session);
    }

    /// <summary>Raised (on the thread pool) when the session's state changes, including a replacement by <see cref="ReconnectAsync"/>.</summary>
    public event EventHandler<HbaSessionStateChangedEventArgs>? StateChanged;

    /// <summary>Raised (on the thread pool) for each Asynchronous Message (the failover driver re-reads ALUA states on some).</summary>
    public event EventHandler<AsyncMessageEventArgs>? AsyncMessageReceived;

    /// <summary>"port0/s1": the port's name and the session's number.</summary>
    public string Id { get; }

    public InitiatorPort Port { get; }

    public EndPoint Portal { get; }

    public string TargetName { get; }

    public Isid Isid { get; }

    /// <summary>The initiator session currently behind this path.</summary>
    public IscsiSession Session
    {
        get
        {
            lock (_gate)
            {
                return _session;
            }
        }
    }

    public SessionState State => Session.State;

    /// <summary>
    /// When the session failed for good (recovery exhausted), logs a new session in with the same ISID. Returns true
    /// when the path has a logged-in session afterwards.
    /// </summary>
    public async Task<bool> ReconnectAsync(CancellationToken cancellationToken = default)
    {
        if (State == SessionState.LoggedIn)
        {
            return true;
        }

        if (State is not (SessionState.Failed or SessionState.Closed))
        {
            return false; // the initiator is still recovering it
        }

        await _reconnecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            IscsiSession old = Session;
            if (_disposed || old.State is not (SessionState.Failed or SessionState.Closed))
            {
                return old.State == SessionState.LoggedIn;
            }

            _driver.NoteReconnect(this, old.State.ToString());
            IscsiSession fresh;
            try
            {
                fresh = await Port.Initiator.LoginAsync(Portal, TargetName, Isid, cancellationToken).ConfigureAwait(false);
                fresh.InBandStateSaveHandler = _driver;
            }
            catch (Exception error) when (HbaDriver.IsLoginFailure(error))
            {
                _driver.NoteLoginFailed(Port, TargetName, Portal, error.Message);
                return false;
            }

            lock (_gate)
            {
                _retired = Add(_retired, old.Statistics);
                _session = fresh;
                _reconnects++;
                _loggedInAt = _driver.Now;
            }

            Subscribe(fresh);
            Unsubscribe(old);
            _ = old.DisposeAsync().AsTask();
            _driver.NoteLogin(this);
            OnSessionStateChanged(this, new SessionStateChangedEventArgs(old.State, SessionState.LoggedIn, "new session logged in"));
            return true;
        }
        finally
        {
            _reconnecting.Release();
        }
    }

    /// <summary>Logs out and releases the session.</summary>
    public async ValueTask DisposeAsync()
    {
        IscsiSession session;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            session = _session;
        }

        await session.DisposeAsync().ConfigureAwait(false);
        Unsubscribe(session);
        Port.CountLogout();
        _driver.NoteLogout(this);
    }

    public HbaSessionSnapshot ToSnapshot()
    {
        IscsiSession session;
        SessionStatistics retired;
        DateTimeOffset loggedInAt;
        lock (_gate)
        {
            session = _session;
            retired = _retired;
            loggedInAt = _loggedInAt;
        }

        return new HbaSessionSnapshot(Id, Port.Name, Port.InitiatorName, TargetName, Portal.ToString() ?? string.Empty, Isid.ToString(), session.Tsih,
            session.State, session.Parameters, Add(retired, session.Statistics), session.GetInFlightCommands().Count, Interlocked.Read(ref _stateChanges),
            Interlocked.Read(ref _asyncMessages), Interlocked.Read(ref _reconnects), loggedInAt);
    }

    public override string ToString() => Id;

    private void Subscribe(IscsiSession session)
    {
        session.StateChanged += OnSessionStateChanged;
        session.AsyncMessageReceived += OnAsyncMessage;
    }

    private void Unsubscribe(IscsiSession session)
    {
        session.StateChanged -= OnSessionStateChanged;
        session.AsyncMessageReceived -= OnAsyncMessage;
    }

    private void OnSessionStateChanged(object? sender, SessionStateChangedEventArgs e)
    {
        if (sender is IscsiSession source && !ReferenceEquals(source, Session))
        {
            return; // a replaced session's late event
        }

        Interlocked.Increment(ref _stateChanges);
        if (e.NewState == SessionState.LoggedIn && e.OldState != SessionState.LoggedIn)
        {
            lock (_gate)
            {
                _loggedInAt = _driver.Now;
            }
        }

        _driver.NoteStateChanged(this, e.OldState, e.NewState, e.Reason);
        StateChanged?.Invoke(this, new HbaSessionStateChangedEventArgs(this, e.OldState, e.NewState, e.Reason));
    }

    private void OnAsyncMessage(object? sender, AsyncMessageEventArgs e)
    {
        Interlocked.Increment(ref _asyncMessages);
        _driver.NoteAsyncMessage(this, e);
        AsyncMessageReceived?.Invoke(this, e);
    }

    internal static SessionStatistics Add(SessionStatistics a, SessionStatistics b) => new()
    {
        Commands = a.Commands + b.Commands,
        CommandsCompleted = a.CommandsCompleted + b.CommandsCompleted,
        BytesRead = a.BytesRead + b.BytesRead,
        BytesWritten = a.BytesWritten + b.BytesWritten,
        Errors = a.Errors + b.Errors,
        Timeouts = a.Timeouts + b.Timeouts,
        Aborts = a.Aborts + b.Aborts,
        Reconnects = a.Reconnects + b.Reconnects,
        ConnectionsLost = a.ConnectionsLost + b.ConnectionsLost,
        ProtocolErrors = a.ProtocolErrors + b.ProtocolErrors,
        PdusSent = a.PdusSent + b.PdusSent,
        PdusReceived = a.PdusReceived + b.PdusReceived,
        R2TsReceived = a.R2TsReceived + b.R2TsReceived,
        PingsAnswered = a.PingsAnswered + b.PingsAnswered,
    };
}
