using System.Globalization;
using System.Net;
using StateSave.Comparison.Measuring;
using StateSave.Comparison.Peers;
using StateSave.Comparison.Systems;
using StateSave.Comparison.Workloads;

namespace StateSave.Comparison.Running;

/// <summary>
/// One harness run: prepares the LU images, starts both targets, lists the cells this machine can run (and what it
/// cannot, with why), warms up, then runs every round in its rotated order. Every peer, the in-process target and the
/// scratch directory are gone when it returns, also after a signal or a failure.
/// </summary>
internal sealed class ComparisonRun(HarnessOptions options, Shutdown shutdown)
{
    private const string OurTargetName = "iqn.2026-11.io.statesave:comparison-target";
    private const string TgtdTargetName = "iqn.2026-11.io.statesave:comparison-tgtd";
    private const int BlockLength = 512;

    private readonly RunResult _result = new();
    private InProcessTarget? _ours;
    private Tgtd? _tgtd;
    private string? _oursMissing;
    private string? _tgtdMissing;

    private bool NeedsTargets => options.Runs("target") || options.Runs("initiator");

    private bool NeedsLoopback => options.Runs("target") || options.Runs("loopback") || options.Runs("collection");

    public RunResult Execute()
    {
        using AllocationTrace? trace = options.TraceAllocations ? new AllocationTrace() : null;
        using WorkDirectory work = WorkDirectory.Create(NeedsTargets ? (2 * options.LogicalUnitBytes) + (1L << 30) : 1L << 30);
        _result.FileSystem = work.FileSystem;
        try
        {
            if (NeedsTargets)
            {
                StartTargets(work);
            }

            List<Cell> cells = BuildCells(work);
            _result.Cells.AddRange(Schedule.Order(cells, 0));
            if (cells.Count > 0 && !shutdown.Token.IsCancellationRequested)
            {
                WarmUp(work);
            }

            for (int round = 1; round <= options.Rounds && !shutdown.Token.IsCancellationRequested; round++)
            {
                IReadOnlyList<Cell> order = Schedule.Order(cells, round - 1);
                for (int i = 0; i < order.Count && !shutdown.Token.IsCancellationRequested; i++)
                {
                    Cell cell = order[i];
                    Progress($"round {round}/{options.Rounds}, {i + 1}/{order.Count}: {cell.Label} ...");
                    trace?.Reset();
                    Sample sample = RunCell(cell, round);
                    _result.Samples.Add(sample);
                    Progress("    " + Describe(sample));
                    if (trace is not null)
                    {
                        Progress("    allocated: " + trace.Top(8));
                    }
                }

                if (!shutdown.Token.IsCancellationRequested)
                {
                    _result.RoundsCompleted = round;
                }
            }
        }
        finally
        {
            _tgtd?.Dispose();
            _ours?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _result.Interrupted = shutdown.Token.IsCancellationRequested;
        }

        return _result;
    }

    private int OurPort => options.PortBase;

    private int TgtdPort => options.PortBase + 1;

    private int Iperf3Port => options.PortBase + 2;

    private void StartTargets(WorkDirectory work)
    {
        Progress($"filling two {options.LogicalUnitBytes >> 20} MiB LU images in {work.FileSystem} with the same random data ...");
        LuImages images = LuImages.Create(work.Path, options.LogicalUnitBytes);
        try
        {
            _ours = InProcessTarget.StartAsync(OurPort, images.Ours, images.Bytes, OurTargetName).GetAwaiter().GetResult();
            Progress($"this project's target: {_ours.Url} (in this process)");
        }
        catch (PeerUnavailableException error)
        {
            _oursMissing = error.Message;
        }

        try
        {
            _tgtd = Tgtd.Start(TgtdPort, images.Theirs, TgtdTargetName, work.Path);
            Progress($"tgtd: {_tgtd.Url} (control port {TgtdPort})");
        }
        catch (PeerUnavailableException error)
        {
            _tgtdMissing = error.Message;
        }
    }

    private List<Cell> BuildCells(WorkDirectory work)
    {
        var cells = new List<Cell>();
        string? perfMissing = IscsiPerf.IsInstalled ? null : "iscsi-perf not installed (Debian package libiscsi-bin)";
        void Add(string id, string workload, string label, CellUnit unit, Func<int, Sample> run, params string?[] missing)
        {
            string[] why = [.. missing.Where(m => m is not null).Select(m => m!).Distinct(StringComparer.Ordinal)];
            if (why.Length > 0)
            {
                _result.NotRun.Add(new NotRun(id, label, string.Join("; ", why)));
            }
            else
            {
                cells.Add(new Cell(id, workload, label, unit, run));
            }
        }

        IPEndPoint oursEndPoint = new(IPAddress.Loopback, OurPort);
        IPEndPoint tgtdEndPoint = new(IPAddress.Loopback, TgtdPort);
        if (NeedsTargets)
        {
            foreach (IoShape shape in IoShape.All)
            {
                string reads = $"{shape.Name} reads";
                if (options.Runs("target"))
                {
                    Add(CellIds.IscsiPerf(shape, CellIds.Ours), reads, $"iscsi-perf → our target, {reads}", Unit(shape),
                        round => IscsiPerf.Run(CellIds.IscsiPerf(shape, CellIds.Ours), round, _ours!.Url, shape, BlockLength, options.Duration,
                            work.File("iscsi-perf.log"), shutdown), perfMissing, _oursMissing);
                }

                Add(CellIds.IscsiPerf(shape, CellIds.Tgtd), reads, $"iscsi-perf → tgtd, {reads}", Unit(shape),
                    round => IscsiPerf.Run(CellIds.IscsiPerf(shape, CellIds.Tgtd), round, _tgtd!.Url, shape, BlockLength, options.Duration,
                        work.File("iscsi-perf.log"), shutdown), perfMissing, _tgtdMissing);
            }
        }

        if (options.Runs("initiator"))
        {
            foreach (IoMix mix in Enum.GetValues<IoMix>())
            {
                foreach (IoShape shape in IoShape.All)
                {
                    string workload = $"{shape.Name} {MixName(mix)}";
                    Add(CellIds.Initiator(mix, shape, CellIds.Tgtd), workload, $"our initiator → tgtd, {workload}", Unit(shape),
                        round => InitiatorLoad.Measure(CellIds.Initiator(mix, shape, CellIds.Tgtd), round, tgtdEndPoint, TgtdTargetName, Tgtd.Lun, shape, mix,
                            options.WarmUp, options.Duration, shutdown), _tgtdMissing);
                    Add(CellIds.Initiator(mix, shape, CellIds.Ours), workload, $"our initiator → our target, {workload}", Unit(shape),
                        round => InitiatorLoad.Measure(CellIds.Initiator(mix, shape, CellIds.Ours), round, oursEndPoint, OurTargetName, InProcessTarget.Lun, shape,
                            mix, options.WarmUp, options.Duration, shutdown), _oursMissing);
                }
            }
        }

        if (NeedsLoopback)
        {
            Add(CellIds.Iperf3, "iperf3", "iperf3, one TCP stream over loopback", CellUnit.MegabytesPerSecond,
                round => Iperf3.Run(CellIds.Iperf3, round, Iperf3Port, options.Duration, work.Path, shutdown),
                Iperf3.IsInstalled ? null : "iperf3 not installed (Debian package iperf3)");
        }

        if (options.Runs("collection"))
        {
            foreach (int hosts in options.CollectionHosts)
            {
                string label = $"state-save collection, {hosts} hosts × {options.StateBytesPerHost >> 20} MiB, host I/O running";
                Add(CellIds.Collection(hosts), label, label, CellUnit.Seconds, round => CollectionRun.MeasureAsync(CellIds.Collection(hosts), round, hosts,
                    options.StateBytesPerHost, new IPEndPoint(IPAddress.Loopback, options.PortBase + 3), new IPEndPoint(IPAddress.Loopback, options.PortBase + 4),
                    work.File(string.Create(CultureInfo.InvariantCulture, $"packages-{hosts}-{round}")), shutdown.Token).GetAwaiter().GetResult());
            }
        }

        return cells;
    }

    /// <summary>JIT and tiering of the target and initiator paths before anything is measured; then the allocation floors.</summary>
    private void WarmUp(WorkDirectory work)
    {
        if (_ours is null)
        {
            return;
        }

        Progress("warm-up (not measured): our initiator and iscsi-perf → our target ...");
        TimeSpan time = options.WarmUp * 2;
        foreach ((IoShape shape, IoMix mix) in new[] { (IoShape.Large, IoMix.Read), (IoShape.Small, IoMix.Mixed) })
        {
            Sample sample = InitiatorLoad.Measure("warm-up", 0, _ours.EndPoint, OurTargetName, InProcessTarget.Lun, shape, mix, options.WarmUp, time, shutdown);
            Progress($"    {shape.Name} {MixName(mix)}: {Describe(sample)}");
        }

        if (IscsiPerf.IsInstalled)
        {
            IscsiPerf.Run("warm-up", 0, _ours.Url, IoShape.Small, BlockLength, TimeSpan.FromSeconds(1), work.File("iscsi-perf.log"), shutdown);
        }

        if (IscsiInq.IsInstalled)
        {
            _result.SessionSetupBytes = IscsiInq.MeasureSessionAllocation(_ours.Url, work.File("iscsi-inq.log"), 3, shutdown);
        }

        RuntimeCounters idle = RuntimeCounters.Take();
        shutdown.Wait(TimeSpan.FromSeconds(1));
        RuntimeDelta delta = RuntimeCounters.Take().Since(idle);
        _result.IdleBytesPerSecond = delta.AllocatedBytes / delta.Elapsed.TotalSeconds;
        Progress($"    one libiscsi session allocates {_result.SessionSetupBytes?.ToString("N0", CultureInfo.InvariantCulture) ?? "?"} B in the target; " +
            $"idle: {_result.IdleBytesPerSecond:N0} B/s");
    }

    private Sample RunCell(Cell cell, int round)
    {
        try
        {
            return cell.Run(round);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // A measurement that breaks is reported; the run goes on with the next one.
            return Sample.Failed(cell.Id, round, $"{error.GetType().Name}: {error.Message}");
        }
    }

    private static CellUnit Unit(IoShape shape) => CellIds.UnitOf(CellIds.IscsiPerf(shape, CellIds.Ours));

    private static string MixName(IoMix mix) => mix switch
    {
        IoMix.Read => "reads",
        IoMix.Write => "writes",
        _ => "mixed 70/30",
    };

    private static string Describe(Sample sample) =>
        sample.Error is not null ? "FAILED: " + sample.Error
        : sample.CollectedBytes > 0 ? string.Create(CultureInfo.InvariantCulture, $"{sample.Seconds:F2} s for {sample.CollectedBytes / 1e6:N1} MB")
        : string.Create(CultureInfo.InvariantCulture,
            $"{sample.BytesPerSecond / 1e6:N1} MB/s{(sample.Iops > 0 ? $", {sample.Iops:N0} IOPS" : "")}{(sample.AllocatedPerIo is { } perIo ? $", {perIo:N2} B allocated per I/O, GC {sample.Gen0}/{sample.Gen1}/{sample.Gen2}" : "")}");

    private static readonly System.Diagnostics.Stopwatch Clock = System.Diagnostics.Stopwatch.StartNew();

    private static void Progress(string line) =>
        Console.Error.WriteLine($"[{Clock.Elapsed.ToString(@"mm\:ss", CultureInfo.InvariantCulture)}] {line}");
}
