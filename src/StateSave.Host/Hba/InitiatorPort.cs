using StateSave.Initiator;
using StateSave.Initiator.Configuration;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Transport;

namespace StateSave.Host.Hba;

/// <summary>
/// One initiator port of the HBA: an <see cref="IscsiInitiator"/> with the port's own initiator name, its ISID
/// allocation and its counters.
/// </summary>
public sealed class InitiatorPort
{
    private readonly ushort _isidBase;
    private int _nextSession;
    private long _logins;
    private long _loginFailures;
    private long _discoveries;
    private long _logouts;

    internal InitiatorPort(InitiatorPortOptions options, ushort isidBase, IIscsiTransportConnector? transport, Microsoft.Extensions.Logging.ILoggerFactory loggerFactory)
    {
        Options = options;
        _isidBase = isidBase;
        Initiator = new IscsiInitiator(new InitiatorOptions
        {
            InitiatorName = options.InitiatorName,
            Isid = NextIsidPreview(0),
            Chap = options.Chap,
            InBandStateSave = options.InBandStateSave,
            HeaderDigests = options.HeaderDigests,
            DataDigests = options.DataDigests,
            QueueDepth = options.QueueDepth,
            NopInterval = options.NopInterval,
            NopTimeout = options.NopTimeout,
            CommandTimeout = options.CommandTimeout,
            LoginTimeout = options.LoginTimeout,
            Recovery = options.Recovery,
            Transport = transport,
            LoggerFactory = loggerFactory,
        });
    }

    public InitiatorPortOptions Options { get; }

    public string Name => Options.Name;

    public string InitiatorName => Options.InitiatorName;

    public IscsiInitiator Initiator { get; }

    /// <summary>A fresh ISID for the next session of this port: random type, the HBA's B field, the port's qualifier + n.</summary>
    internal Isid NextIsid() => NextIsidPreview(Interlocked.Increment(ref _nextSession) - 1);

    private Isid NextIsidPreview(int index) => Isid.FromFields(Isid.TypeRandom, 0, _isidBase, 0, (ushort)(Options.IsidQualifier + index));

    internal void CountLogin(bool succeeded) => Interlocked.Increment(ref succeeded ? ref _logins : ref _loginFailures);

    internal void CountDiscovery() => Interlocked.Increment(ref _discoveries);

    internal void CountLogout() => Interlocked.Increment(ref _logouts);

    internal InitiatorPortSnapshot ToSnapshot(int sessionsOpen) => new(Name, InitiatorName, Options.IsidQualifier, Interlocked.Read(ref _logins),
        Interlocked.Read(ref _loginFailures), Interlocked.Read(ref _discoveries), Interlocked.Read(ref _logouts), sessionsOpen);
}
