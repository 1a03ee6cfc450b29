using StateSave.Comparison.Measuring;

namespace StateSave.Comparison.Running;

/// <summary>A measurement (cell) that could not be run, and why.</summary>
internal sealed record NotRun(string CellId, string What, string Why);

/// <summary>Everything one harness run measured, for the report.</summary>
internal sealed class RunResult
{
    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    /// <summary>The cells scheduled, in their first-round order (the report's detail rows).</summary>
    public List<Cell> Cells { get; } = [];

    public List<Sample> Samples { get; } = [];

    public List<NotRun> NotRun { get; } = [];

    public string FileSystem { get; set; } = "";

    public int RoundsCompleted { get; set; }

    public bool Interrupted { get; set; }

    /// <summary>What one libiscsi session (login, INQUIRY, logout) allocates in the in-process target; null if not measured.</summary>
    public long? SessionSetupBytes { get; set; }

    /// <summary>Managed bytes per second this process allocates with the target up and idle (the harness's own floor).</summary>
    public double? IdleBytesPerSecond { get; set; }

    public IEnumerable<Sample> Of(string cellId) => Samples.Where(s => s.Cell == cellId);
}
