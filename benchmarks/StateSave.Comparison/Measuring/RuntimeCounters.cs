using System.Diagnostics;

namespace StateSave.Comparison.Measuring;

/// <summary>
/// The process's managed allocation and GC counts at one instant. A struct: taking one allocates nothing, so the
/// difference of two snapshots around a measurement holds only what the code under test allocated.
/// </summary>
internal readonly record struct RuntimeCounters(long AllocatedBytes, int Gen0, int Gen1, int Gen2, long Timestamp)
{
    public static RuntimeCounters Take() =>
        new(GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), Stopwatch.GetTimestamp());

    /// <summary>What happened between <paramref name="start"/> and this snapshot.</summary>
    public RuntimeDelta Since(RuntimeCounters start) =>
        new(AllocatedBytes - start.AllocatedBytes, Gen0 - start.Gen0, Gen1 - start.Gen1, Gen2 - start.Gen2,
            Stopwatch.GetElapsedTime(start.Timestamp, Timestamp));
}

/// <summary>Managed bytes allocated, collections per generation and time elapsed over a measurement window.</summary>
internal readonly record struct RuntimeDelta(long AllocatedBytes, int Gen0, int Gen1, int Gen2, TimeSpan Elapsed);
