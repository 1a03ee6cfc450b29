using System.Text.Json.Serialization;

namespace StateSave.StorageSystem.Packages;

/// <summary>
/// <c>manifest.json</c> of a state-save package (specs/in-band-state-save.md §5): the failure, a time line, the
/// controller's entries and every host with its outcome and entries.
/// </summary>
public sealed record PackageManifest
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    public required PackageFailure Failure { get; init; }

    public IReadOnlyList<TimelineEvent> Timeline { get; init; } = [];

    public PackageController Controller { get; init; } = new();

    public IReadOnlyList<PackageHost> Hosts { get; init; } = [];
}

/// <summary>The failure the package is about.</summary>
public sealed record PackageFailure(ulong Id, DateTimeOffset Time, string Component, string Reason);

/// <summary>One step of the collection, with its UTC time.</summary>
public sealed record TimelineEvent(DateTimeOffset Time, string Event, string? Host = null);

/// <summary>The storage controller's own state save.</summary>
public sealed record PackageController
{
    public IReadOnlyList<PackageEntry> Entries { get; init; } = [];
}

/// <summary>One host: who it is, how it was reached, what came of it and what it gave.</summary>
public sealed record PackageHost
{
    public required string InitiatorName { get; init; }

    public IReadOnlyList<PackageSession> Sessions { get; init; } = [];

    /// <summary>The session the snapshot was pulled through, as "portal TSIH".</summary>
    public string? Path { get; init; }

    public required HostOutcome Outcome { get; init; }

    /// <summary>Why the outcome is not <see cref="HostOutcome.Complete"/>.</summary>
    public string? Reason { get; init; }

    public IReadOnlyList<PackageEntry> Entries { get; init; } = [];
}

/// <summary>One session of a host.</summary>
public sealed record PackageSession(string Portal, ushort Tsih, bool Capable);

/// <summary>One archive entry: its name, size and SHA-256 (lower-case hex).</summary>
public sealed record PackageEntry(string Name, long Bytes, string Sha256);

/// <summary>What came of collecting one host.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HostOutcome>))]
public enum HostOutcome
{
    /// <summary>Every buffer arrived.</summary>
    Complete,

    /// <summary>Some data arrived; <see cref="PackageHost.Reason"/> says what is missing and why.</summary>
    Partial,

    /// <summary>No session of the host negotiated in-band state save.</summary>
    NotCapable,

    /// <summary>The collection deadline passed first.</summary>
    TimedOut,

    /// <summary>The host broke the protocol (too much data, a wrong offset or DataSN, a malformed PDU).</summary>
    Rejected,
}
