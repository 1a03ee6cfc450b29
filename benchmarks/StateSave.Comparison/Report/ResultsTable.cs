using System.Text;
using StateSave.Comparison.Measuring;
using StateSave.Comparison.Running;
using StateSave.Comparison.Workloads;
using static StateSave.Comparison.Report.Figures;

namespace StateSave.Comparison.Report;

/// <summary>
/// The Markdown report: the run's context, one comparison table (workload | ours | theirs or ceiling | ratio | goal |
/// met?), what could not be run and why, how the figures were taken, and every measurement's medians and rounds.
/// </summary>
internal sealed class ResultsTable
{
    /// <summary>
    /// The "0 B allocated per I/O" goal is met when the median is below this: the figure then rounds to 0 B. What remains
    /// below it is not per-I/O work but the fixed costs of the window (timers, the harness's own wait), see the notes.
    /// </summary>
    public const double AllocationTolerance = 0.5;

    private const string None = "—";

    private readonly RunResult _run;
    private readonly HarnessOptions _options;
    private readonly List<string[]> _rows = [];

    private ResultsTable(RunResult run, HarnessOptions options)
    {
        _run = run;
        _options = options;
    }

    public static string Build(RunResult run, HarnessOptions options, MachineInfo machine, string command)
    {
        ArgumentNullException.ThrowIfNull(run);
        var table = new ResultsTable(run, options);
        table.AddRows();
        return table.Render(machine, command);
    }

    private void AddRows()
    {
        foreach (IoShape shape in IoShape.All)
        {
            Compare($"Target, {shape.Name} reads (iscsi-perf): ours vs tgtd", CellIds.IscsiPerf(shape, CellIds.Ours), CellIds.IscsiPerf(shape, CellIds.Tgtd),
                atLeast: 1.25);
        }

        Compare($"Target, {IoShape.Large.Name} reads (iscsi-perf) vs loopback TCP (iperf3)", CellIds.IscsiPerf(IoShape.Large, CellIds.Ours), CellIds.Iperf3,
            atLeast: 0.85);
        foreach (IoShape shape in IoShape.All)
        {
            Compare($"Initiator, {shape.Name} reads → tgtd: ours vs iscsi-perf", CellIds.Initiator(IoMix.Read, shape, CellIds.Tgtd),
                CellIds.IscsiPerf(shape, CellIds.Tgtd), atLeast: 1.0);
        }

        foreach (IoShape shape in IoShape.All)
        {
            Compare($"Initiator, {shape.Name} writes → tgtd (iscsi-perf cannot write)", CellIds.Initiator(IoMix.Write, shape, CellIds.Tgtd), theirs: null,
                atLeast: null);
        }

        foreach (IoMix mix in Enum.GetValues<IoMix>())
        {
            foreach (IoShape shape in IoShape.All)
            {
                string what = mix switch { IoMix.Read => "reads", IoMix.Write => "writes", _ => "mixed 70/30" };
                Compare($"Our initiator, {shape.Name} {what}: our target vs tgtd", CellIds.Initiator(mix, shape, CellIds.Ours),
                    CellIds.Initiator(mix, shape, CellIds.Tgtd), atLeast: null);
            }
        }

        foreach (IoShape shape in IoShape.All)
        {
            Allocation($"Target allocation per I/O, {shape.Name} reads (iscsi-perf)", CellIds.IscsiPerf(shape, CellIds.Ours), subtractSessionSetup: true);
        }

        foreach (IoMix mix in new[] { IoMix.Read, IoMix.Write })
        {
            foreach (IoShape shape in IoShape.All)
            {
                Allocation($"Initiator allocation per I/O, {shape.Name} {(mix == IoMix.Read ? "reads" : "writes")} → tgtd",
                    CellIds.Initiator(mix, shape, CellIds.Tgtd), subtractSessionSetup: false);
            }
        }

        if (IsPlanned(CellIds.Iperf3))
        {
            _rows.Add(["Loopback TCP, one stream (iperf3): the ceiling", None, Show(CellIds.Iperf3, CellUnit.MegabytesPerSecond), None, None, None]);
        }

        foreach (int hosts in _options.CollectionHosts)
        {
            Collection(hosts);
        }
    }

    private void Compare(string workload, string ours, string? theirs, double? atLeast)
    {
        if (!IsPlanned(ours) && (theirs is null || !IsPlanned(theirs)))
        {
            return;
        }

        CellUnit unit = CellIds.UnitOf(ours);
        double? oursValue = MedianOf(ours, unit);
        double? theirsValue = theirs is null ? null : MedianOf(theirs, unit);
        double? ratio = oursValue / theirsValue;
        _rows.Add(
        [
            workload,
            Show(ours, unit),
            theirs is null ? None : Show(theirs, unit),
            ratio is { } r ? FormatRatio(r) : theirs is null ? None : "n/a",
            atLeast is { } goal ? $"≥ {FormatRatio(goal)}" : None,
            atLeast is null ? None : ratio is { } value ? YesNo(value >= atLeast.Value) : "n/a",
        ]);
    }

    private void Allocation(string workload, string cell, bool subtractSessionSetup)
    {
        if (!IsPlanned(cell))
        {
            return;
        }

        long setup = subtractSessionSetup ? _run.SessionSetupBytes ?? 0 : 0;
        double? perIo = Median(_run.Of(cell), s => s.AllocatedBytes is { } bytes && s.Ios > 0 ? Math.Max(0, bytes - setup) / s.Ios : null);
        _rows.Add(
        [
            workload,
            perIo is { } value ? FormatBytes(value) : Missing(cell),
            None,
            None,
            "0 B",
            perIo is { } v ? YesNo(v < AllocationTolerance) : "n/a",
        ]);
    }

    private void Collection(int hosts)
    {
        string cell = CellIds.Collection(hosts);
        if (!IsPlanned(cell))
        {
            return;
        }

        double? seconds = Median(_run.Of(cell), s => s.Seconds);
        double? bytes = Median(_run.Of(cell), s => s.CollectedBytes);
        double? loopback = Median(_run.Of(CellIds.Iperf3), s => s.BytesPerSecond);
        double? ceiling = bytes / loopback;
        double? ratio = seconds / ceiling;
        _rows.Add(
        [
            $"State-save collection, {hosts} hosts × {_options.StateBytesPerHost >> 20} MiB, host I/O running: failure → package written",
            seconds is { } s ? Format(s, CellUnit.Seconds) : Missing(cell),
            ceiling is { } c ? $"{Format(c, CellUnit.Seconds)} ({bytes / 1e6:N1} MB at the iperf3 rate)" : loopback is null ? "no iperf3 figure" : "n/a",
            ratio is { } r ? FormatRatio(r) : "n/a",
            $"≤ {FormatRatio(2)}",
            ratio is { } value ? YesNo(value <= 2) : "n/a",
        ]);
    }

    private string Render(MachineInfo machine, string command)
    {
        var text = new StringBuilder();
        text.AppendLine("# StateSave end-to-end comparison").AppendLine();
        text.AppendLine(Invariant($"- Date (UTC): {_run.Started:yyyy-MM-dd HH:mm}"));
        text.AppendLine(Invariant($"- Machine: {machine.CpuModel}, {machine.Cores} cores; kernel {machine.Kernel}; {machine.Runtime} ({machine.Gc})"));
        text.AppendLine($"- Peer packages: {string.Join(", ", machine.Packages.Select(p => $"{p.Package} {p.Version}"))}");
        text.AppendLine(Invariant($"- Rounds: {_run.RoundsCompleted} of {_options.Rounds} (each round runs every workload once on every system, the order rotated per round); every figure is the median over the rounds"));
        text.AppendLine(Invariant($"- Duration per measurement: {_options.Duration.TotalSeconds:N0} s (our initiator's runs: after {_options.WarmUp.TotalSeconds:N1} s of warm-up on the same session)"));
        if (_options.TraceAllocations)
        {
            text.AppendLine("- **Allocation trace on** (`--trace-allocations`): its event listener allocates in this process, so the allocation figures below are inflated");
        }

        if (_options.Quick)
        {
            text.AppendLine("- **Quick smoke run** (`--quick`): one short round and small collections; not figures to compare");
        }

        text.AppendLine(Invariant($"- LU: {Size(_options.LogicalUnitBytes)}, 512-byte blocks; each target's LU is its own file in {_run.FileSystem}, both filled with the same random data; tgtd with its default (rdwr) backing store, our target with its sparse-file store, assembled as the target server does (TargetServerHost)"));
        text.AppendLine("- Units: MB/s = 10^6 bytes per second; IOPS = commands completed per second");
        text.AppendLine($"- Command: `{command}`");
        if (_run.Interrupted)
        {
            text.AppendLine("- **Interrupted**: the figures cover only what ran before the signal");
        }

        text.AppendLine();
        text.AppendLine("| Workload | Ours | Theirs (or ceiling) | Ratio | Goal | Met? |");
        text.AppendLine("|---|---:|---:|---:|---:|:---:|");
        foreach (string[] row in _rows)
        {
            text.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        text.AppendLine();
        text.AppendLine("## Not run").AppendLine();
        if (_run.NotRun.Count == 0)
        {
            text.AppendLine("Nothing: every measurement ran.");
        }

        foreach (NotRun notRun in _run.NotRun)
        {
            text.AppendLine($"- {notRun.What}: {notRun.Why}");
        }

        foreach (Cell cell in _run.Cells.Where(c => _run.Of(c.Id).Any() && _run.Of(c.Id).All(s => s.Error is not null)))
        {
            text.AppendLine($"- {cell.Label}: failed in every round ({_run.Of(cell.Id).First().Error})");
        }

        RenderNotes(text);
        RenderDetails(text);
        return text.ToString();
    }

    private void RenderNotes(StringBuilder text)
    {
        text.AppendLine();
        text.AppendLine("## How the figures are taken").AppendLine();
        text.AppendLine("- Ratio = ours / theirs; for the collections, measured time / ceiling time (lower is better there).");
        text.AppendLine(Invariant($"- Allocation per I/O = `GC.GetTotalAllocatedBytes(precise: true)` delta over the measurement window / I/Os completed in it. The goal \"0 B\" is met below {AllocationTolerance} B per I/O."));
        string setup = _run.SessionSetupBytes is { } bytes ? Invariant($"{bytes:N0} B, measured with iscsi-inq (login, INQUIRY, logout)") : "not measured (iscsi-inq missing), so not subtracted";
        text.AppendLine($"- Target rows: the target runs in this process and the window is the iscsi-perf process's whole life, during which the harness only waits; the window therefore holds one session's setup and teardown as well: {setup}, subtracted before dividing.");
        text.AppendLine("- Initiator rows: the window opens after the warm-up and holds only steady-state I/O on one session; against tgtd the initiator is alone in this process. Against our target both sides are in this process: see the details.");
        if (_run.IdleBytesPerSecond is { } idle)
        {
            text.AppendLine(Invariant($"- With the target up and idle, this process allocates {idle:N0} B/s (the floor under every window)."));
        }

        text.AppendLine("- Collection: from the drive failure (the call that fails the drive) to the package written and committed, controller state included; the ceiling is the bytes the package holds at the median iperf3 rate of this run. Every host must come back Complete, the package must verify, and the hosts' verifying I/O must see no error; otherwise the round counts as failed.");
        text.AppendLine("- The machine may be shared: take differences under about 10-15 % as noise.");
    }

    private void RenderDetails(StringBuilder text)
    {
        if (_run.Cells.Count == 0)
        {
            return;
        }

        text.AppendLine();
        text.AppendLine("## Every measurement").AppendLine();
        text.AppendLine("| Measurement | Median | Per round | Allocated per I/O (median, raw) | GC gen0/1/2 per window (median) | Problems, notes |");
        text.AppendLine("|---|---:|---|---:|---:|---|");
        foreach (Cell cell in _run.Cells)
        {
            Sample[] samples = [.. _run.Of(cell.Id).OrderBy(s => s.Round)];
            double? median = MedianOf(cell.Id, cell.Unit);
            string rounds = string.Join(" / ", samples.Select(s => Value(s, cell.Unit) is { } v ? Format(v, cell.Unit) : "failed"));
            double? perIo = Median(samples, s => s.AllocatedPerIo);
            string gc = samples.Any(s => s.AllocatedBytes is not null)
                ? Invariant($"{Median(samples, s => s.Gen0):N0}/{Median(samples, s => s.Gen1):N0}/{Median(samples, s => s.Gen2):N0}")
                : None;
            string problems = string.Join("; ", samples.Where(s => s.Error is not null || s.Note is not null)
                .Select(s => Invariant($"round {s.Round}: {s.Error ?? s.Note}")));
            text.AppendLine(
                $"| {cell.Label} | {(median is { } m ? Format(m, cell.Unit) : "failed")} | {rounds} | {(perIo is { } p ? FormatBytes(p) : None)} | {gc} | {Escape(problems)} |");
        }
    }

    private bool IsPlanned(string cell) => _run.Cells.Any(c => c.Id == cell) || _run.NotRun.Any(n => n.CellId == cell);

    private double? MedianOf(string cell, CellUnit unit) => Median(_run.Of(cell), s => Value(s, unit));

    private string Show(string cell, CellUnit unit) => MedianOf(cell, unit) is { } value ? Format(value, unit) : Missing(cell);

    private string Missing(string cell) =>
        _run.NotRun.Any(n => n.CellId == cell) ? "not run" : _run.Of(cell).Any() ? "failed" : "not run";

    private static string Size(long bytes) => bytes % (1L << 30) == 0 ? Invariant($"{bytes >> 30} GiB") : Invariant($"{bytes >> 20} MiB");

    private static string YesNo(bool met) => met ? "yes" : "**no**";

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
