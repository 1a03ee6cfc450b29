using StateSave.Comparison.Measuring;
using StateSave.Comparison.Workloads;

namespace StateSave.Comparison.Running;

/// <summary>
/// One measurement: a workload on one system. <see cref="Workload"/> groups the cells that run the same workload on
/// different systems (the schedule rotates them together); <see cref="Id"/> is what the report looks the medians up by.
/// </summary>
internal sealed record Cell(string Id, string Workload, string Label, CellUnit Unit, Func<int, Sample> Run);

/// <summary>The figure a cell is reported in.</summary>
internal enum CellUnit
{
    /// <summary>10^6 bytes per second.</summary>
    MegabytesPerSecond,

    /// <summary>Commands completed per second.</summary>
    Iops,

    /// <summary>Seconds (lower is better).</summary>
    Seconds,
}

/// <summary>The cell identifiers the run and the report share.</summary>
internal static class CellIds
{
    public const string Ours = "ours";
    public const string Tgtd = "tgtd";
    public const string Iperf3 = "iperf3";

    public static string IscsiPerf(IoShape shape, string system) => $"iscsi-perf/{Key(shape)}/{system}";

    public static string Initiator(IoMix mix, IoShape shape, string system) => $"initiator/{mix}/{Key(shape)}/{system}";

    public static string Collection(int hosts) => $"collection/{hosts}";

    /// <summary>The unit a cell is reported in: IOPS for the 4 KiB shape, seconds for collections, MB/s otherwise.</summary>
    public static CellUnit UnitOf(string id) =>
        id.StartsWith("collection/", StringComparison.Ordinal) ? CellUnit.Seconds
        : id.Contains("/small/", StringComparison.Ordinal) ? CellUnit.Iops
        : CellUnit.MegabytesPerSecond;

    private static string Key(IoShape shape) => shape == IoShape.Large ? "large" : "small";
}
