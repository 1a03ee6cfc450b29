namespace StateSave.Comparison.Workloads;

/// <summary>The size of every I/O and how many are outstanding at once.</summary>
internal sealed record IoShape(string Name, int TransferBytes, int QueueDepth, bool ReportIops)
{
    /// <summary>128 KiB transfers, 32 outstanding: a throughput shape, reported in MB/s.</summary>
    public static readonly IoShape Large = new("128 KiB QD32", 128 * 1024, 32, ReportIops: false);

    /// <summary>4 KiB transfers, 64 outstanding: a command-rate shape, reported in IOPS.</summary>
    public static readonly IoShape Small = new("4 KiB QD64", 4 * 1024, 64, ReportIops: true);

    public static readonly IReadOnlyList<IoShape> All = [Large, Small];

    public int Blocks(int blockLength) => TransferBytes / blockLength;
}

/// <summary>What the I/Os do: all reads, all writes, or 70 % reads and 30 % writes interleaved.</summary>
internal enum IoMix
{
    Read,
    Write,
    Mixed,
}
