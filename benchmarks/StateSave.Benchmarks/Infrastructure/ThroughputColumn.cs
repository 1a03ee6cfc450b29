using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace StateSave.Benchmarks.Infrastructure;

/// <summary>
/// "GB/s": the byte count held by a [Params] property (chosen by name) divided by the mean time per operation, in decimal
/// gigabytes (10^9 bytes) per second. Shows "-" for benchmarks without such a parameter.
/// </summary>
public sealed class ThroughputColumn : IColumn
{
    private readonly string[] _byteCountParameters;

    /// <param name="byteCountParameters">Names of [Params] properties that hold the bytes processed per operation.</param>
    public ThroughputColumn(params string[] byteCountParameters)
    {
        _byteCountParameters = byteCountParameters;
    }

    public string Id => nameof(ThroughputColumn);

    public string ColumnName => "GB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"Bytes per operation ({string.Join(" or ", _byteCountParameters)}) / Mean, in 10^9 bytes per second";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(benchmarkCase);
        long? bytes = GetByteCount(benchmarkCase);
        double? meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (bytes is null || meanNanoseconds is not > 0)
        {
            return "-";
        }

        // One byte per nanosecond is 10^9 bytes per second.
        return (bytes.Value / meanNanoseconds.Value).ToString("N2", CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return summary.BenchmarksCases.Any(c => GetByteCount(c) is not null);
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public override string ToString() => ColumnName;

    private long? GetByteCount(BenchmarkCase benchmarkCase)
    {
        foreach (string name in _byteCountParameters)
        {
            object? value = benchmarkCase.Parameters[name];
            if (value is not null)
            {
                return Convert.ToInt64(value, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
