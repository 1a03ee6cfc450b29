using StateSave.Initiator.Configuration;
using StateSave.Iscsi.Negotiation;

namespace StateSave.Host.Hba;

/// <summary>
/// One initiator port of the HBA: its own iSCSI initiator name and ISID qualifier, what it proposes at login and how
/// its sessions detect a dead path (keepalive NOP and command timeouts, RFC 7143 §11.18/§11.19).
/// </summary>
public sealed record InitiatorPortOptions
{
    /// <summary>The port's name inside the host (for events and snapshots), e.g. "port0".</summary>
    public required string Name { get; init; }

    /// <summary>The port's iSCSI initiator name (RFC 7143 §4.2.7).</summary>
    public required string InitiatorName { get; init; }

    /// <summary>
    /// The ISID qualifier (the D field of a random-type ISID, RFC 7143 §11.12.5): the port's sessions get qualifier,
    /// qualifier + 1 ... so that two sessions of one port to one target portal group never reinstate each other.
    /// </summary>
    public ushort IsidQualifier { get; init; } = 1;

    public ChapCredentials? Chap { get; init; }

    /// <summary>Propose in-band state save on this port's sessions (specs/in-band-state-save.md §1).</summary>
    public bool InBandStateSave { get; init; }

    public IReadOnlyList<DigestType> HeaderDigests { get; init; } = [DigestType.None];

    public IReadOnlyList<DigestType> DataDigests { get; init; } = [DigestType.None];

    /// <summary>Commands in flight per session.</summary>
    public int QueueDepth { get; init; } = 32;

    /// <summary>Keepalive NOP-Out interval on an idle connection; zero disables it.</summary>
    public TimeSpan NopInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>An unanswered keepalive declares the connection dead after this long.</summary>
    public TimeSpan NopTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A command without status for this long declares the connection dead (a silently hung path).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan LoginTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public RecoveryOptions Recovery { get; init; } = RecoveryOptions.Default;
}
