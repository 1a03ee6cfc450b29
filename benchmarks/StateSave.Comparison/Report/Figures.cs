using System.Globalization;
using StateSave.Comparison.Measuring;
using StateSave.Comparison.Running;

namespace StateSave.Comparison.Report;

/// <summary>Medians of a cell's valid samples, and the way each kind of figure is written.</summary>
internal static class Figures
{
    public static double? Median(IEnumerable<Sample> samples, Func<Sample, double?> pick)
    {
        List<double> values = [.. samples.Where(s => s.Error is null).Select(pick).Where(v => v.HasValue).Select(v => v!.Value).Order()];
        if (values.Count == 0)
        {
            return null;
        }

        int middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    /// <summary>The sample's figure in the cell's unit.</summary>
    public static double? Value(Sample sample, CellUnit unit) => sample.Error is not null ? null : unit switch
    {
        CellUnit.MegabytesPerSecond => sample.BytesPerSecond / 1e6,
        CellUnit.Iops => sample.Iops,
        _ => sample.Seconds,
    };

    public static string Format(double value, CellUnit unit) => unit switch
    {
        CellUnit.MegabytesPerSecond => Invariant($"{value:N1} MB/s"),
        CellUnit.Iops => Invariant($"{value:N0} IOPS"),
        _ => Invariant($"{value:N3} s"),
    };

    public static string FormatBytes(double bytes) => Invariant($"{bytes:N2} B");

    public static string FormatRatio(double ratio) => Invariant($"{ratio:N2}×");

    public static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
