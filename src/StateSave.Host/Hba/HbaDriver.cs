using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using StateSave.Host.Logging;
using StateSave.Initiator.Discovery;
using StateSave.Initiator.Login;
using StateSave.Initiator.Sessions;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Transport;

namespace StateSave.Host.Hba;

/// <summary>
/// The HBA driver of an emulated host: owns the initiator ports, discovers targets (SendTargets) and logs sessions in
/// through them, counts per port and per session, and keeps a bounded ring of recent events (logins, logouts, state
/// changes, connection losses, timeouts, aborts, asynchronous messages). Its sessions are the paths the failover
/// driver groups. <see cref="ToSnapshot"/> freezes all of it in immutable records. Thread-safe.
/// </summary>
public sealed partial class HbaDriver : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<HbaSession> _sessions = [];
    private readonly Dictionary<string, int> _sessionNumbers = new(StringComparer.Ordinal);
    private readonly BoundedRing<HbaEvent> _events;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public HbaDriver(HbaDriverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Ports.Count == 0)
        {
            throw new ArgumentException("The HBA needs at least one initiator port.", nameof(options));
        }

        if (options.Ports.Select(p => p.Name).Distinct(StringComparer.Ordinal).Count() != options.Ports.Count)
        {
            throw new ArgumentException("Initiator port names must be unique.", nameof(options));
        }

        Options = options;
        _time = options.TimeProvider;
        _events = new BoundedRing<HbaEvent>(options.EventCapacity);
        _logger = options.LoggerFactory.CreateLogger("StateSave.Host.Hba");
        ushort isidBase = (ushort)Random.Shared.Next(1, 0xFFFF);
        Ports = [.. options.Ports.Select(p => new InitiatorPort(p, isidBase, options.Transport, options.LoggerFactory))];
    }

    /// <summary>Raised when a session is logged in (a new path for the failover driver).</summary>
    public event EventHandler<HbaSession>? SessionAdded;

    public HbaDriverOptions Options { get; }

    public IReadOnlyList<InitiatorPort> Ports { get; }

    /// <summary>The sessions (paths) logged in and not yet logged out.</summary>
    public IReadOnlyList<HbaSession> Sessions
    {
        get
        {
            lock (_gate)
            {
                return [.. _sessions];
            }
        }
    }

    /// <summary>The recent-event ring, oldest first.</summary>
    public IReadOnlyList<HbaEvent> RecentEvents => _events.ToArray();

    internal DateTimeOffset Now => _time.GetUtcNow();

    public InitiatorPort GetPort(string name) =>
        Ports.FirstOrDefault(p => p.Name == name) ?? throw new ArgumentException($"The HBA has no initiator port '{name}'.", nameof(name));

    /// <summary>SendTargets discovery through <paramref name="portName"/>.</summary>
    public async Task<IReadOnlyList<DiscoveredTarget>> DiscoverAsync(string portName, EndPoint portal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(portal);
        InitiatorPort port = GetPort(portName);
        IReadOnlyList<DiscoveredTarget> targets = await port.Initiator.DiscoverAsync(portal, cancellationToken).ConfigureAwait(false);
        port.CountDiscovery();
        Record(HbaEventKind.Discovery, port.Name, null, $"{targets.Count} target(s) at {portal}");
        HostLog.HbaDiscovery(_logger, port.Name, targets.Count, portal);
        return targets;
    }

    /// <summary>Logs a session in to <paramref name="targetName"/> through <paramref name="portal"/> with a fresh ISID of the port.</summary>
    public async Task<HbaSession> LoginAsync(string portName, EndPoint portal, string targetName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(portal);
        ArgumentException.ThrowIfNullOrEmpty(targetName);
        InitiatorPort port = GetPort(portName);
        Isid isid = port.NextIsid();
        IscsiSession session;
        try
        {
            session = await port.Initiator.LoginAsync(portal, targetName, isid, cancellationToken).ConfigureAwait(false);
            session.InBandStateSaveHandler = this;
        }
        catch (Exception error) when (IsLoginFailure(error))
        {
            NoteLoginFailed(port, targetName, portal, error.Message);
            throw;
        }

        HbaSession added;
        lock (_gate)
        {
            int number = _sessionNumbers.TryGetValue(port.Name, out int n) ? n + 1 : 1;
            _sessionNumbers[port.Name] = number;
            added = new HbaSession(this, port, string.Create(CultureInfo.InvariantCulture, $"{port.Name}/s{number}"), portal, targetName, session, Now);
            _sessions.Add(added);
        }

        NoteLogin(added);
        SessionAdded?.Invoke(this, added);
        return added;
    }

    /// <summary>
    /// Logs in to <paramref name="targetName"/> through <paramref name="portal"/>, or, when it is null, discovers the
    /// targets behind the portal and logs in to each of them through that portal.
    /// </summary>
    public async Task<IReadOnlyList<HbaSession>> ConnectAsync(string portName, EndPoint portal, string? targetName = null, CancellationToken cancellationToken = default)
    {
        if (targetName is not null)
        {
            return [await LoginAsync(portName, portal, targetName, cancellationToken).ConfigureAwait(false)];
        }

        var sessions = new List<HbaSession>();
        foreach (DiscoveredTarget target in await DiscoverAsync(portName, portal, cancellationToken).ConfigureAwait(false))
        {
            sessions.Add(await LoginAsync(portName, portal, target.Name, cancellationToken).ConfigureAwait(false));
        }

        return sessions;
    }

    /// <summary>Adds an event to the ring (the failover driver records the aborts it causes here).</summary>
    public HbaEvent Record(HbaEventKind kind, string port, string? session, string detail)
    {
        var recorded = new HbaEvent(Now, kind, port, session, detail);
        _events.Add(recorded);
        return recorded;
    }

    /// <summary>Freezes ports, sessions and the recent events.</summary>
    public HbaSnapshot ToSnapshot()
    {
        DateTimeOffset now = Now;
        IReadOnlyList<HbaSession> sessions = Sessions;
        var sessionSnapshots = sessions.Select(s => s.ToSnapshot()).ToArray();
        var ports = Ports.Select(p => p.ToSnapshot(sessionSnapshots.Count(s => s.Port == p.Name && s.State == SessionState.LoggedIn))).ToArray();
        return new HbaSnapshot(now, ports, sessionSnapshots, _events.ToArray(), _events.Overwritten);
    }

    /// <summary>Logs every session out.</summary>
    public async Task LogoutAllAsync()
    {
        HbaSession[] sessions;
        lock (_gate)
        {
            sessions = [.. _sessions];
            _sessions.Clear();
        }

        await Task.WhenAll(sessions.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await LogoutAllAsync().ConfigureAwait(false);

    internal static bool IsLoginFailure(Exception error) =>
        error is IscsiLoginException or TransportException or IOException or System.Net.Sockets.SocketException or IscsiSessionException
            or TimeoutException or (OperationCanceledException and not TaskCanceledException);

    internal void NoteLogin(HbaSession session)
    {
        session.Port.CountLogin(true);
        string portal = session.Portal.ToString() ?? string.Empty;
        Record(HbaEventKind.Login, session.Port.Name, session.Id, $"{session.TargetName} at {portal}, ISID {session.Isid}, TSIH {session.Session.Tsih}");
        HostLog.HbaLogin(_logger, session.Port.Name, session.Id, session.TargetName, session.Portal);
    }

    internal void NoteLoginFailed(InitiatorPort port, string? targetName, EndPoint portal, string reason)
    {
        port.CountLogin(false);
        Record(HbaEventKind.LoginFailed, port.Name, null, $"{targetName} at {portal}: {reason}");
        HostLog.HbaLoginFailed(_logger, port.Name, targetName, portal, reason);
    }

    internal void NoteLogout(HbaSession session)
    {
        lock (_gate)
        {
            _sessions.Remove(session);
        }

        Record(HbaEventKind.Logout, session.Port.Name, session.Id, session.TargetName);
        HostLog.HbaLogout(_logger, session.Id);
    }

    internal void NoteReconnect(HbaSession session, string reason)
    {
        Record(HbaEventKind.Reconnect, session.Port.Name, session.Id, reason);
        HostLog.HbaReconnect(_logger, session.Id, reason);
    }

    internal void NoteStateChanged(HbaSession session, SessionState oldState, SessionState newState, string reason)
    {
        HbaEventKind kind = newState switch
        {
            SessionState.Recovering when IsTimeout(reason) => HbaEventKind.Timeout,
            SessionState.Recovering => HbaEventKind.ConnectionLost,
            SessionState.LoggedIn when oldState == SessionState.Recovering => HbaEventKind.Recovered,
            SessionState.Failed => HbaEventKind.SessionFailed,
            _ => HbaEventKind.StateChanged,
        };
        Record(kind, session.Port.Name, session.Id, $"{oldState} -> {newState}: {reason}");
        HostLog.HbaSessionState(_logger, session.Id, oldState, newState, reason);
    }

    /// <summary>The initiator says why a connection ended only in words: keepalive and command timeouts are told apart here.</summary>
    private static bool IsTimeout(string reason) =>
        reason.Contains("keepalive", StringComparison.OrdinalIgnoreCase) || reason.Contains("timed out", StringComparison.OrdinalIgnoreCase)
        || reason.Contains("timeout", StringComparison.OrdinalIgnoreCase);

    internal void NoteAsyncMessage(HbaSession session, AsyncMessageEventArgs message)
    {
        string detail = message.Sense is { } sense
            ? string.Create(CultureInfo.InvariantCulture, $"LUN {message.Lun} {sense}")
            : string.Create(CultureInfo.InvariantCulture, $"LUN {message.Lun} parameters {message.Parameter1}/{message.Parameter2}/{message.Parameter3}");
        Record(HbaEventKind.AsyncMessage, session.Port.Name, session.Id, $"{message.AsyncEvent}: {detail}");
        HostLog.HbaAsyncMessage(_logger, session.Id, message.AsyncEvent, detail);
    }
}
