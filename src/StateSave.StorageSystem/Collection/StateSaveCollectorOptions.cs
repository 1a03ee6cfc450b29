namespace StateSave.StorageSystem.Collection;

/// <summary>How the controller collects host state (specs/in-band-state-save.md §4).</summary>
public sealed record StateSaveCollectorOptions
{
    /// <summary>Where packages are written.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>ALLOCATION LENGTH of each READ BUFFER request: the most bytes one request brings.</summary>
    public uint RequestSize { get; init; } = 256 * 1024;

    /// <summary>Requests outstanding per host at most (one per buffer being pulled).</summary>
    public int WindowPerHost { get; init; } = 4;

    /// <summary>Requests outstanding across all hosts at most: with RequestSize, the bytes in flight.</summary>
    public int GlobalWindow { get; init; } = 64;

    /// <summary>How long one request may go unanswered before it is retried (once on the same session, then elsewhere).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>When the collection ends, finished or not; the package is written then.</summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long stock hosts (told by an async event) have to push their history with WRITE BUFFER mode 1Ch.</summary>
    public TimeSpan StockHostWindow { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The scope asked of hosts.</summary>
    public Scsi.InBand.StateSaveScope Scope { get; init; } = Scsi.InBand.StateSaveScope.All;
}
