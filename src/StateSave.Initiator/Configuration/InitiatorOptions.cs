using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Transport;

namespace StateSave.Initiator.Configuration;

/// <summary>
/// What the initiator proposes at login (RFC 7143 §13) and how it runs sessions. The operational values are
/// offers: the target's answers are accepted and kept in the session's negotiated parameters.
/// </summary>
public sealed record InitiatorOptions
{
    /// <summary>The initiator's iSCSI name (InitiatorName, RFC 7143 §13.5).</summary>
    public string InitiatorName { get; init; } = "iqn.2026-11.org.statesave:initiator";

    public string? InitiatorAlias { get; init; }

    /// <summary>
    /// The ISID (RFC 7143 §11.12.5). A session keeps it for its life, and reinstatement after a lost connection
    /// reuses it (with TSIH 0) so the target replaces the old session. Default: random type (2) qualifier.
    /// </summary>
    public Isid Isid { get; init; } = Isid.FromFields(Isid.TypeRandom, 0, (ushort)Random.Shared.Next(1, 0xFFFF), 0, (ushort)Random.Shared.Next(1, 0xFFFF));

    /// <summary>CHAP credentials; null for AuthMethod=None.</summary>
    public ChapCredentials? Chap { get; init; }

    /// <summary>
    /// Propose the in-band state-save key (specs/in-band-state-save.md §1) on normal sessions, so the storage controller
    /// may send State Save Requests (handled by <see cref="Sessions.IscsiSession.InBandStateSaveHandler"/>).
    /// </summary>
    public bool InBandStateSave { get; init; }

    /// <summary>HeaderDigest offer, in order of preference.</summary>
    public IReadOnlyList<DigestType> HeaderDigests { get; init; } = [DigestType.None];

    /// <summary>DataDigest offer, in order of preference.</summary>
    public IReadOnlyList<DigestType> DataDigests { get; init; } = [DigestType.None];

    /// <summary>MaxRecvDataSegmentLength this side declares (the largest Data-In segment the target may send).</summary>
    public int MaxRecvDataSegmentLength { get; init; } = 256 * 1024;

    public int MaxBurstLength { get; init; } = 1024 * 1024;

    public int FirstBurstLength { get; init; } = 256 * 1024;

    public bool InitialR2T { get; init; }

    public bool ImmediateData { get; init; } = true;

    public int MaxOutstandingR2T { get; init; } = 4;

    public int DefaultTime2Wait { get; init; } = 2;

    public int DefaultTime2Retain { get; init; } = 20;

    /// <summary>Commands in flight per session (bounded further by the target's CmdSN window).</summary>
    public int QueueDepth
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxQueueDepth);
            field = value;
        }
    } = 32;

    /// <summary>Largest <see cref="QueueDepth"/> (the task tag keeps the slot in 12 bits).</summary>
    public const int MaxQueueDepth = 4096;

    /// <summary>How long a login (connect and every login PDU) may take.</summary>
    public TimeSpan LoginTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Interval of keepalive NOP-Out pings when the connection is idle; zero disables them.</summary>
    public TimeSpan NopInterval { get; init; } = TimeSpan.Zero;

    /// <summary>How long a keepalive ping may go unanswered before the connection is declared dead.</summary>
    public TimeSpan NopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A SCSI command not completed within this time declares the connection dead (and, with recovery, the
    /// command is re-issued on the reinstated session). Zero disables the check.
    /// </summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>How long a task management request may take before the connection is declared dead.</summary>
    public TimeSpan TaskManagementTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <c>LogoutAsync</c> waits for commands in flight before logging out anyway.</summary>
    public TimeSpan LogoutDrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Login redirections (status class 1) followed before giving up.</summary>
    public int MaxRedirects { get; init; } = 4;

    public RecoveryOptions Recovery { get; init; } = RecoveryOptions.Default;

    /// <summary>
    /// Turns a TargetAddress from a login redirection into an endpoint; by default an IP or DNS endpoint. Tests on an
    /// in-memory transport map addresses to their own endpoints here.
    /// </summary>
    public Func<Discovery.TargetPortalAddress, System.Net.EndPoint>? ResolveTargetAddress { get; init; }

    /// <summary>The transport; a TCP socket connector when null.</summary>
    public IIscsiTransportConnector? Transport { get; init; }

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    internal NegotiationSettings ToNegotiationSettings(SessionType sessionType, string? targetName) => new()
    {
        InitiatorName = InitiatorName,
        InitiatorAlias = InitiatorAlias,
        TargetName = sessionType == SessionType.Normal ? targetName : null,
        AuthMethods = Chap is null ? [TextKeyNames.None] : ["CHAP"],
        HeaderDigests = HeaderDigests,
        DataDigests = DataDigests,
        MaxConnections = 1,
        InitialR2T = InitialR2T,
        ImmediateData = ImmediateData,
        MaxRecvDataSegmentLength = MaxRecvDataSegmentLength,
        MaxBurstLength = MaxBurstLength,
        FirstBurstLength = Math.Min(FirstBurstLength, MaxBurstLength),
        DefaultTime2Wait = DefaultTime2Wait,
        DefaultTime2Retain = DefaultTime2Retain,
        MaxOutstandingR2T = MaxOutstandingR2T,
        DataPDUInOrder = true,
        DataSequenceInOrder = true,
        ErrorRecoveryLevel = 0,
        IscsiProtocolLevel = 0,
        ExtensionKeys = InBandStateSave && sessionType == SessionType.Normal ? Iscsi.InBand.InBandStateSaveKey.SettingsValue(enabled: true) : NoExtensionKeys,
    };

    private static readonly Dictionary<string, string> NoExtensionKeys = [];

    /// <summary>The keys the initiator understands: the standard ones and the in-band state-save key.</summary>
    internal static TextKeyRegistry KeyRegistry { get; } = Iscsi.InBand.InBandStateSaveKey.CreateRegistry();

    internal IIscsiTransportConnector CreateTransport() =>
        Transport ?? new SocketTransportConnector(new TransportOptions
        {
            MaxRecvDataSegmentLength = Math.Max(MaxRecvDataSegmentLength, PduReaderOptions.DefaultMaxRecvDataSegmentLength),
            LoggerFactory = LoggerFactory,
        });
}
