namespace StateSave.Comparison.Measuring;

/// <summary>
/// One measurement of one workload on one system in one round. Throughput samples carry bytes per second and I/Os per
/// second; collection samples carry seconds and bytes; a sample that could not be taken carries <see cref="Error"/>.
/// </summary>
internal sealed record Sample(string Cell, int Round)
{
    public double BytesPerSecond { get; init; }

    public double Iops { get; init; }

    /// <summary>I/Os completed in the window (for allocation per I/O).</summary>
    public double Ios { get; init; }

    /// <summary>Managed bytes allocated in this process over the window; null when the code measured is not in this process.</summary>
    public long? AllocatedBytes { get; init; }

    public int Gen0 { get; init; }

    public int Gen1 { get; init; }

    public int Gen2 { get; init; }

    public double Seconds { get; init; }

    /// <summary>Bytes a collection moved (hosts and controller), for its loopback ceiling.</summary>
    public long CollectedBytes { get; init; }

    public string? Error { get; init; }

    /// <summary>Something worth reporting that does not make the sample invalid (host I/O errors, outcomes ...).</summary>
    public string? Note { get; init; }

    public double? AllocatedPerIo => AllocatedBytes is { } bytes && Ios > 0 ? bytes / Ios : null;

    public static Sample Failed(string cell, int round, string error) => new(cell, round) { Error = error };

    public Sample WithRuntime(RuntimeDelta delta) =>
        this with { AllocatedBytes = delta.AllocatedBytes, Gen0 = delta.Gen0, Gen1 = delta.Gen1, Gen2 = delta.Gen2 };
}
