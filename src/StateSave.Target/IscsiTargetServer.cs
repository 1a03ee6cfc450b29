using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StateSave.Iscsi.InBand;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Transport;
using StateSave.Scsi;
using StateSave.Target.Configuration;
using StateSave.Target.Connections;
using StateSave.Target.InBand;
using StateSave.Target.Logging;
using StateSave.Target.Names;
using StateSave.Target.Sessions;
using StateSave.Target.Tasks;

namespace StateSave.Target;

/// <summary>
/// An iSCSI target server (RFC 7143): listens on its portals, logs initiators in to its targets and carries
/// their SCSI commands to each target's <see cref="Scsi.Server.IScsiDeviceServer"/>. Sessions are independent:
/// a protocol error ends only the connection (and session) it happened on.
/// </summary>
public sealed class IscsiTargetServer : IAsyncDisposable
{
    private readonly IscsiTargetServerOptions _options;
    private readonly Dictionary<string, TargetNode> _targets = new(StringComparer.Ordinal);
    private readonly List<(IIscsiTransportListener Listener, ushort PortalGroupTag)> _listeners = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ushort, bool> _disabledPortalGroups = new();
    private readonly List<Task> _acceptLoops = [];
    private readonly HashSet<TargetConnection> _connections = [];
    private readonly Lock _connectionsSync = new();
    private readonly CancellationTokenSource _stopping = new();

    public IscsiTargetServer(IscsiTargetServerOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Logger = LoggerFactory.CreateLogger<IscsiTargetServer>();
        Sessions = new SessionRegistry(options.Limits.MaxSessions);
        foreach (TargetOptions target in options.Targets)
        {
            if (!IscsiName.IsValid(target.Name, out string? problem))
            {
                throw new ArgumentException($"Target name '{target.Name}' is not a valid iSCSI name: {problem}.", nameof(options));
            }

            if (!_targets.TryAdd(target.Name, new TargetNode(target)))
            {
                throw new ArgumentException($"Target '{target.Name}' is configured twice.", nameof(options));
            }

            target.DeviceServer.AttachTaskAborter(new TargetTaskAborter(this, target.DeviceServer));

            if (target.Chap is { MutualSecret: { } mutual } chap && string.Equals(mutual, chap.Secret, StringComparison.Ordinal))
            {
                // RFC 7143 §12.1.3: the two directions must use different secrets.
                throw new ArgumentException($"Target '{target.Name}': the mutual CHAP secret must differ from the initiator's.", nameof(options));
            }
        }
    }

    /// <summary>Where the server listens, with the ports actually bound.</summary>
    public IReadOnlyList<EndPoint> LocalEndPoints => [.. _listeners.Select(l => l.Listener.LocalEndPoint)];

    internal ILoggerFactory LoggerFactory { get; }

    internal ILogger Logger { get; }

    internal SessionLimits Limits => _options.Limits;

    internal SessionRegistry Sessions { get; }

    /// <summary>Binds every configured portal and starts accepting connections.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        var transportOptions = new TransportOptions { MaxRecvDataSegmentLength = Limits.MaxRecvDataSegmentLength };
        foreach (PortalOptions portal in _options.Portals)
        {
            cancellationToken.ThrowIfCancellationRequested();
            AddListener(SocketTransportListener.Bind(portal.EndPoint, transportOptions), portal.PortalGroupTag);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Takes a portal group out of service (a failed controller port) or back: while disabled its connections are
    /// reset and new ones refused; the sessions on it end (their hosts fail over to other portals).
    /// </summary>
    public void SetPortalGroupEnabled(ushort portalGroupTag, bool enabled)
    {
        if (enabled)
        {
            _disabledPortalGroups.TryRemove(portalGroupTag, out _);
            return;
        }

        _disabledPortalGroups[portalGroupTag] = true;
        TargetConnection[] affected;
        lock (_connectionsSync)
        {
            affected = [.. _connections.Where(c => c.PortalGroupTag == portalGroupTag)];
        }

        foreach (TargetConnection connection in affected)
        {
            connection.Close("the portal group was disabled");
        }
    }

    /// <summary>Serves connections from any transport listener (e.g. an in-memory one in tests) as a portal of the group.</summary>
    public void AddListener(IIscsiTransportListener listener, ushort portalGroupTag = 1)
    {
        ArgumentNullException.ThrowIfNull(listener);
        _listeners.Add((listener, portalGroupTag));
        TargetLog.PortalListening(Logger, listener.LocalEndPoint, portalGroupTag);
        _acceptLoops.Add(AcceptLoopAsync(listener, portalGroupTag));
    }

    private async Task AcceptLoopAsync(IIscsiTransportListener listener, ushort portalGroupTag)
    {
        while (!_stopping.IsCancellationRequested)
        {
            IIscsiTransportConnection? transport;
            try
            {
                transport = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception error) when (error is IOException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            if (transport is null)
            {
                return;
            }

            if (_disabledPortalGroups.ContainsKey(portalGroupTag))
            {
                // A failed port: the connection is refused as a dead port would (reset at once).
                transport.Abort("the portal group is disabled");
                await transport.DisposeAsync().ConfigureAwait(false);
                continue;
            }

            TargetLog.ConnectionAccepted(Logger, transport.ConnectionId, transport.RemoteEndPoint);
            var connection = new TargetConnection(transport, this, portalGroupTag);
            lock (_connectionsSync)
            {
                _connections.Add(connection);
            }

            _ = RunConnectionAsync(connection);
        }
    }

    private async Task RunConnectionAsync(TargetConnection connection)
    {
        await Task.Yield(); // off the accept loop
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            lock (_connectionsSync)
            {
                _connections.Remove(connection);
            }
        }
    }

    /// <summary>The normal sessions in the full feature phase, of one target or of all.</summary>
    public IReadOnlyList<TargetSessionInfo> GetSessions(string? targetName = null) =>
    [
        .. Sessions.Snapshot()
            .Where(s => s.Target is not null && (targetName is null || s.Target.Name == targetName) && s.Connection is not null)
            .Select(s => new TargetSessionInfo(s.Target!.Name, s.InitiatorName, s.Isid.ToString(), s.Tsih,
                s.Connection!.PortalGroupTag, s.Connection.RemoteEndPoint, s.InBandStateSave) { Session = s, Statistics = s.Counters.Snapshot() }),
    ];

    /// <summary>
    /// Sends a State Save Request on <paramref name="session"/> and returns the host's answer once it is complete; its
    /// data goes to <paramref name="sink"/> as it arrives. Throws <see cref="InvalidOperationException"/> when the
    /// session did not negotiate in-band state save, <see cref="StateSaveProtocolException"/> when the host broke the
    /// protocol, <see cref="IOException"/> when the connection ended, <see cref="TimeoutException"/> after
    /// <paramref name="timeout"/>.
    /// </summary>
    public async Task<StateSaveAnswer> SendStateSaveRequestAsync(TargetSessionInfo session, StateSaveRequest request, IStateSaveDataSink? sink,
        TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        TargetConnection connection = ConnectionOf(session);
        if (!session.InBandStateSave)
        {
            throw new InvalidOperationException($"Session TSIH {session.Tsih} of {session.InitiatorName} did not negotiate in-band state save.");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, connection.Closing);
        deadline.CancelAfter(timeout);
        try
        {
            return await connection.SendStateSaveRequestAsync(request, sink, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw connection.Closing.IsCancellationRequested
                ? new IOException($"The connection of session TSIH {session.Tsih} ended.")
                : new TimeoutException($"Session TSIH {session.Tsih} of {session.InitiatorName} did not answer within {timeout}.");
        }
    }

    /// <summary>Sends an Asynchronous Message, SCSI asynchronous event with <paramref name="sense"/> (RFC 7143 §11.9.1), on <paramref name="session"/>.</summary>
    public Task SendScsiAsyncEventAsync(TargetSessionInfo session, ulong lun, SenseData sense, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        return ConnectionOf(session).SendScsiAsyncEventAsync(lun, sense, cancellationToken);
    }

    /// <summary>The connection of a session this server still has; IOException when the session ended or was reinstated.</summary>
    private TargetConnection ConnectionOf(TargetSessionInfo session) =>
        session.Session is { } s && ReferenceEquals(Sessions.Find(s.Tsih), s) && s.Connection is { } connection
            ? connection
            : throw new IOException($"Session TSIH {session.Tsih} of {session.InitiatorName} has ended.");

    internal TargetNode? FindTarget(string name) => _targets.GetValueOrDefault(name);

    internal IEnumerable<TargetSession> SessionsOf(TargetNode target) =>
        Sessions.Snapshot().Where(s => ReferenceEquals(s.Target, target));

    /// <summary>What the target side supports and prefers in negotiation (RFC 7143 §13) for one target (null: discovery).</summary>
    private static readonly Dictionary<string, string> NoExtensionKeys = [];

    /// <summary>The keys the target understands: the standard ones and the in-band state-save key.</summary>
    internal static TextKeyRegistry KeyRegistry { get; } = InBandStateSaveKey.CreateRegistry();

    internal NegotiationSettings NegotiationSettingsFor(TargetNode? target, ushort portalGroupTag)
    {
        DigestType[] digests = _options.OfferDigests ? [DigestType.Crc32C, DigestType.None] : [DigestType.None];
        return new NegotiationSettings
        {
            TargetName = target?.Name,
            TargetAlias = target?.Options.Alias,
            TargetPortalGroupTag = target is null ? null : portalGroupTag,
            AuthMethods = target?.Options.Chap is null ? [TextKeyNames.None] : ["CHAP"],
            HeaderDigests = digests,
            DataDigests = digests,
            MaxConnections = 1,
            InitialR2T = false,
            ImmediateData = true,
            MaxRecvDataSegmentLength = Limits.MaxRecvDataSegmentLength,
            MaxBurstLength = Limits.MaxBurstLength,
            FirstBurstLength = Limits.FirstBurstLength,
            MaxOutstandingR2T = Limits.MaxOutstandingR2T,
            DataPDUInOrder = true,
            DataSequenceInOrder = true,
            ErrorRecoveryLevel = 0,
            ToleratesRepeatedKeys = true,
            ExtensionKeys = target is null ? NoExtensionKeys : InBandStateSaveKey.SettingsValue(target.Options.InBandStateSave),
        };
    }

    /// <summary>
    /// SendTargets answers (RFC 7143 appendix C): every target the initiator may log in to ("All", discovery
    /// sessions), or the named one, each with its portals as TargetAddress=address:port,tpgt.
    /// </summary>
    internal IEnumerable<TextKeyValue> SendTargets(TargetSession session, string value, EndPoint? connectionLocal)
    {
        IEnumerable<TargetNode> targets = value switch
        {
            "All" when session.IsDiscovery => _targets.Values,
            "" or "All" => session.Target is { } own ? [own] : [],
            _ => FindTarget(value) is { } named ? [named] : [],
        };
        foreach (TargetNode target in targets.Where(t => t.Allows(session.InitiatorName)))
        {
            yield return new TextKeyValue(TextKeyNames.TargetName, target.Name);
            foreach ((IIscsiTransportListener listener, ushort tag) in _listeners)
            {
                if (target.IsReachableThrough(tag) && FormatAddress(listener.LocalEndPoint, connectionLocal) is { } address)
                {
                    yield return new TextKeyValue(TextKeyNames.TargetAddress, string.Create(CultureInfo.InvariantCulture, $"{address},{tag}"));
                }
            }
        }
    }

    private static string? FormatAddress(EndPoint listening, EndPoint? connectionLocal)
    {
        if (listening is not IPEndPoint ip)
        {
            return null;
        }

        IPAddress address = ip.Address;
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            // A wildcard portal is reported with the address the initiator reached us on.
            if (connectionLocal is not IPEndPoint local)
            {
                return null;
            }

            address = local.Address.IsIPv4MappedToIPv6 ? local.Address.MapToIPv4() : local.Address;
        }

        return address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? string.Create(CultureInfo.InvariantCulture, $"[{address}]:{ip.Port}")
            : string.Create(CultureInfo.InvariantCulture, $"{address}:{ip.Port}");
    }

    /// <summary>Ends a session: it leaves the registry, its tasks are aborted, and its I_T nexus is lost.</summary>
    internal async Task EndSessionAsync(TargetSession session, string reason)
    {
        if (!session.TryEnd())
        {
            return;
        }

        Sessions.Remove(session);
        TaskSnapshot[] tasks = session.Tasks.Snapshot();
        foreach (TaskSnapshot task in tasks)
        {
            task.Abort();
        }

        await WaitForTasksAsync(tasks, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        if (session.Nexus is { } nexus)
        {
            session.Target!.Options.DeviceServer.OnNexusLost(nexus);
        }

        TargetLog.SessionClosed(Logger, session.Tsih, session.InitiatorName, reason);
    }

    internal static async Task WaitForTasksAsync(IEnumerable<TaskSnapshot> tasks, TimeSpan timeout)
    {
        Task all = Task.WhenAll(tasks.Select(t => t.WhenEnded()));
        await Task.WhenAny(all, Task.Delay(timeout)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach ((IIscsiTransportListener listener, _) in _listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(_acceptLoops).ConfigureAwait(false);
        TargetConnection[] open;
        lock (_connectionsSync)
        {
            open = [.. _connections];
        }

        foreach (TargetConnection connection in open)
        {
            connection.Close("the server is stopping");
        }

        foreach (TargetSession session in Sessions.Snapshot())
        {
            await EndSessionAsync(session, "the server stopped").ConfigureAwait(false);
        }

        _stopping.Dispose();
        TargetLog.ServerStopped(Logger);
    }
}
