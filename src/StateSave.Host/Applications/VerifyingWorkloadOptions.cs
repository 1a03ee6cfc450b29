namespace StateSave.Host.Applications;

/// <summary>What a <see cref="VerifyingWorkload"/> does: the mix, the sizes, the queue depth and where on the device.</summary>
public sealed record VerifyingWorkloadOptions
{
    public string Name { get; init; } = "verifying-workload";

    /// <summary>Identifies this workload's blocks (stamped into each one).</summary>
    public uint WorkloadId { get; init; } = 1;

    /// <summary>Share of reads in percent: 0 write only, 100 read only (reads of never-written blocks verify only what can be).</summary>
    public int ReadPercent
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 100);
            field = value;
        }
    } = 50;

    /// <summary>I/O sizes in blocks, one picked at random per I/O.</summary>
    public IReadOnlyList<int> BlockCounts { get; init; } = [1, 8, 32];

    /// <summary>I/Os in flight.</summary>
    public int QueueDepth
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = 8;

    /// <summary>First block of the region the workload owns.</summary>
    public ulong RegionStart { get; init; }

    /// <summary>Blocks in the region; 0 for the rest of the device.</summary>
    public ulong RegionBlocks { get; init; }

    /// <summary>Stop after this many I/Os; 0 runs until cancelled.</summary>
    public long MaxOperations { get; init; }

    /// <summary>Seed of the random choices (per worker: seed + worker index).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Capacity of the application log.</summary>
    public int LogCapacity { get; init; } = 1024;
}
