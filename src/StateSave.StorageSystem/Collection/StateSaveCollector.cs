using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StateSave.Scsi;
using StateSave.Scsi.InBand;
using StateSave.StorageSystem.Logging;
using StateSave.StorageSystem.Packages;
using StateSave.Target;
using StateSave.Target.InBand;

namespace StateSave.StorageSystem.Collection;

/// <summary>
/// The controller side of in-band state save (specs/in-band-state-save.md §4): on a failure, saves the controller's
/// state, sends STATE SAVE to every capable session and a SCSI async event to the others, pulls each host's snapshot
/// with READ BUFFER mode 1Ch through one of its sessions (resuming elsewhere when a path fails), and writes one package.
/// </summary>
public sealed class StateSaveCollector
{
    /// <summary>ASC/ASCQ 80h/01h (vendor specific): STATE SAVE REQUESTED, in the async event to stock hosts.</summary>
    public static readonly AdditionalSenseCode StateSaveRequested = new(0x80, 0x01);

    private const uint DirectoryAllocationLength = 4096;

    private readonly IscsiTargetServer _server;
    private readonly string _targetName;
    private readonly StateSaveCollectorOptions _options;
    private readonly ILogger _logger;

    private readonly IStockHostHistory? _stockHistory;

    public StateSaveCollector(IscsiTargetServer server, string targetName, StateSaveCollectorOptions options, ILogger? logger = null,
        IStockHostHistory? stockHistory = null)
    {
        _stockHistory = stockHistory;
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(targetName);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RequestSize, 512u, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.WindowPerHost, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.GlobalWindow, 1, nameof(options));
        _server = server;
        _targetName = targetName;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Collects for <paramref name="failure"/>. Returns when the package is written: every host finished, or the
    /// deadline passed (unfinished hosts are then timed out or partial). Host failures never fail the collection.
    /// </summary>
    public async Task<CollectionResult> CollectAsync(FailureReport failure, IControllerStateSource controller, IProgress<string>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(controller);
        var stopwatch = Stopwatch.StartNew();
        var timeline = new Timeline();
        timeline.Add("failure", time: failure.Time);
        await using StateSavePackageWriter package = StateSavePackageWriter.Create(_options.OutputDirectory, failure.Id);

        IReadOnlyList<PackageEntry> controllerEntries = await controller.SaveStateAsync(failure, package, cancellationToken).ConfigureAwait(false);
        timeline.Add("controller state saved");

        IGrouping<string, TargetSessionInfo>[] hosts = [.. _server.GetSessions(_targetName).GroupBy(s => s.InitiatorName, StringComparer.Ordinal)];
        CollectionLog.Started(_logger, failure.Id, failure.Component, hosts.Length);
        progress?.Report($"collecting from {hosts.Length} host(s)");

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Deadline);
        using var globalWindow = new SemaphoreSlim(_options.GlobalWindow);
        DateTimeOffset started = DateTimeOffset.UtcNow;
        var collections = new HostCollection[hosts.Length];
        for (int i = 0; i < hosts.Length; i++)
        {
            string folder = string.Create(CultureInfo.InvariantCulture, $"hosts/{i}-{PackageEntryName.Sanitize(hosts[i].Key)}");
            collections[i] = new HostCollection(this, hosts[i].Key, [.. hosts[i]], folder, package, failure, globalWindow, timeline, progress, started);
        }

        timeline.Add("requests sent");
        await Task.WhenAll(collections.Select(c => c.RunAsync(deadline.Token))).ConfigureAwait(false);

        var manifest = new PackageManifest
        {
            Failure = new PackageFailure(failure.Id, failure.Time, failure.Component, failure.Reason),
            Controller = new PackageController { Entries = controllerEntries },
            Hosts = [.. collections.Select(c => c.ToManifest())],
            Timeline = timeline.Add("package written"),
        };
        string path = await package.CommitAsync(manifest, cancellationToken).ConfigureAwait(false);
        CollectionLog.PackageWritten(_logger, failure.Id, path, stopwatch.Elapsed);
        progress?.Report($"package written: {path}");
        return new CollectionResult(path, manifest, stopwatch.Elapsed);
    }

    /// <summary>A thread-safe time line.</summary>
    private sealed class Timeline
    {
        private readonly List<TimelineEvent> _events = [];

        public IReadOnlyList<TimelineEvent> Add(string what, string? host = null, DateTimeOffset? time = null)
        {
            lock (_events)
            {
                _events.Add(new TimelineEvent(time ?? DateTimeOffset.UtcNow, what, host));
                return [.. _events];
            }
        }
    }

    /// <summary>One host: its sessions, the pull through one of them, and the outcome.</summary>
    private sealed class HostCollection(
        StateSaveCollector owner,
        string initiatorName,
        TargetSessionInfo[] sessions,
        string folder,
        StateSavePackageWriter package,
        FailureReport failure,
        SemaphoreSlim globalWindow,
        Timeline timeline,
        IProgress<string>? progress,
        DateTimeOffset started)
    {
        private readonly List<PackageEntrySink> _entries = [];
        private HostOutcome _outcome = HostOutcome.TimedOut;
        private string? _reason;
        private TargetSessionInfo? _path;

        public async Task RunAsync(CancellationToken deadline)
        {
            try
            {
                await CollectAsync(deadline).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                long bytes = _entries.Sum(e => e.Bytes);
                (_outcome, _reason) = bytes > 0
                    ? (HostOutcome.Partial, $"the collection deadline passed after {bytes} bytes")
                    : (HostOutcome.TimedOut, "the collection deadline passed before the host answered");
            }
            catch (StateSaveProtocolException error)
            {
                (_outcome, _reason) = (HostOutcome.Rejected, error.Message);
            }
            catch (Exception error) when (error is IOException or TimeoutException or InvalidOperationException)
            {
                long bytes = _entries.Sum(e => e.Bytes);
                (_outcome, _reason) = (bytes > 0 ? HostOutcome.Partial : HostOutcome.TimedOut, error.Message);
            }

            foreach (PackageEntrySink entry in _entries)
            {
                entry.Complete();
            }

            timeline.Add($"host {_outcome}", initiatorName);
            long total = _entries.Sum(e => e.Bytes);
            string detail = _reason is null ? "" : ": " + _reason;
            CollectionLog.HostFinished(owner._logger, initiatorName, _outcome, total, detail);
            progress?.Report($"{initiatorName}: {_outcome}");
        }

        public PackageHost ToManifest() => new()
        {
            InitiatorName = initiatorName,
            Sessions = [.. sessions.Select(s => new PackageSession(s.RemoteEndPoint?.ToString() ?? "", s.Tsih, s.InBandStateSave))],
            Path = _path is null ? null : $"{_path.RemoteEndPoint} TSIH {_path.Tsih}",
            Outcome = _outcome,
            Reason = _reason,
            Entries = [.. _entries.Select(e => e.Complete())],
        };

        private async Task CollectAsync(CancellationToken deadline)
        {
            TargetSessionInfo[] capable = [.. sessions.Where(s => s.InBandStateSave)];
            if (capable.Length == 0)
            {
                await NotifyStockHostAsync(deadline).ConfigureAwait(false);
                return;
            }

            // STATE SAVE on every capable session (the host freezes once); the pull goes through the first that answers GOOD.
            byte[] parameters = new StateSaveParameters(failure.Time, Cap(failure.Component, StateSaveParameters.MaximumComponentLength),
                Cap(failure.Reason, StateSaveParameters.MaximumReasonLength)).Encode();
            var request = new StateSaveRequest(failure.Lun, failure.Id, new StateSaveCdb(owner._options.Scope, failure.Id, (uint)parameters.Length).ToArray())
            {
                ParameterList = parameters,
            };
            Task<(TargetSessionInfo Session, StateSaveAnswer? Answer, Exception? Error)>[] saves =
                [.. capable.Select(async s =>
                {
                    try
                    {
                        return (s, (StateSaveAnswer?)await owner._server.SendStateSaveRequestAsync(s, request, null, owner._options.RequestTimeout, deadline).ConfigureAwait(false), (Exception?)null);
                    }
                    catch (Exception error) when (error is IOException or TimeoutException or StateSaveProtocolException or InvalidOperationException)
                    {
                        return (s, null, error);
                    }
                })];
            var results = await Task.WhenAll(saves).ConfigureAwait(false);
            deadline.ThrowIfCancellationRequested();
            var good = results.Where(r => r.Answer?.Status == ScsiStatus.Good).Select(r => r.Session).ToList();
            if (good.Count == 0)
            {
                (string reason, bool rejected) = results.Select(r => r.Error) is var errors && errors.OfType<StateSaveProtocolException>().FirstOrDefault() is { } protocol
                    ? (protocol.Message, true)
                    : (results.FirstOrDefault(r => r.Answer is not null).Answer is { } answer
                        ? $"STATE SAVE ended in {answer.Status} {answer.Sense?.SenseKey} {answer.Sense?.AdditionalSenseCode}"
                        : results[0].Error?.Message ?? "no answer", false);
                throw rejected ? new StateSaveProtocolException(reason) : new IOException(reason);
            }

            timeline.Add("host snapshot frozen", initiatorName);
            _path = good[0];
            byte[] directory = await ReadWholeAsync(ErrorHistoryReadCdb.DirectoryBufferId, DirectoryAllocationLength, good, deadline).ConfigureAwait(false);
            IReadOnlyList<(byte BufferId, byte Format, uint MaximumLength)> buffers = ErrorHistoryDirectory.Parse(directory)
                ?? throw new StateSaveProtocolException("the host's error history directory is malformed");
            PackageEntrySink directoryEntry = package.OpenEntry(folder + "/directory.bin");
            _entries.Add(directoryEntry);
            await directoryEntry.WriteAsync(directory, deadline).ConfigureAwait(false);
            directoryEntry.Complete();

            // Each buffer is pulled in order, up to WindowPerHost buffers at once.
            using var hostWindow = new SemaphoreSlim(owner._options.WindowPerHost);
            await Task.WhenAll(buffers.Select(async b =>
            {
                await hostWindow.WaitAsync(deadline).ConfigureAwait(false);
                try
                {
                    await PullBufferAsync(b.BufferId, good, deadline).ConfigureAwait(false);
                }
                finally
                {
                    hostWindow.Release();
                }
            })).ConfigureAwait(false);

            // Release the snapshot; a host that does not answer keeps it until its own timeout.
            try
            {
                await SendWithResumeAsync(new ErrorHistoryReadCdb(ErrorHistoryReadCdb.ReleaseBufferId, 0, 0), 0, 0, null, good, deadline).ConfigureAwait(false);
            }
            catch (Exception error) when (error is IOException or TimeoutException)
            {
                _reason = "the snapshot was not released: " + error.Message;
            }

            _outcome = HostOutcome.Complete;
        }

        private async Task PullBufferAsync(byte bufferId, List<TargetSessionInfo> paths, CancellationToken deadline)
        {
            PackageEntrySink entry;
            lock (_entries)
            {
                entry = package.OpenEntry(string.Create(CultureInfo.InvariantCulture, $"{folder}/{bufferId:x2}.bin"));
                _entries.Add(entry);
            }

            var sink = new SinkAdapter(entry);
            int failures = 0;
            while (true)
            {
                ulong offset = (ulong)entry.Bytes;
                uint size = owner._options.RequestSize;
                StateSaveAnswer answer;
                try
                {
                    answer = await SendWithResumeAsync(new ErrorHistoryReadCdb(bufferId, offset, size), offset, size, sink, paths, deadline).ConfigureAwait(false);
                    failures = 0;
                }
                catch (ResumeException error) when (++failures < 8)
                {
                    _ = error; // resume from the bytes the entry has, on the path SendWithResumeAsync chose
                    continue;
                }

                if (answer.Status != ScsiStatus.Good)
                {
                    throw new StateSaveProtocolException($"READ BUFFER {bufferId:x2}h at {offset} ended in {answer.Sense?.SenseKey} {answer.Sense?.AdditionalSenseCode}");
                }

                if ((ulong)entry.Bytes - offset < size)
                {
                    entry.Complete();
                    return; // a short answer: the end of the buffer
                }
            }
        }

        private async Task<byte[]> ReadWholeAsync(byte bufferId, uint allocationLength, List<TargetSessionInfo> paths, CancellationToken deadline)
        {
            var memory = new MemorySink();
            StateSaveAnswer answer = await SendWithResumeAsync(new ErrorHistoryReadCdb(bufferId, 0, allocationLength), 0, allocationLength, memory, paths, deadline).ConfigureAwait(false);
            return answer.Status == ScsiStatus.Good ? memory.ToArray()
                : throw new StateSaveProtocolException($"READ BUFFER {bufferId:x2}h ended in {answer.Sense?.SenseKey} {answer.Sense?.AdditionalSenseCode}");
        }

        /// <summary>
        /// Sends one READ BUFFER through the current path; on a timeout or a lost connection tries once more on the same
        /// session, then on the host's other capable sessions (including a reinstated one), resuming at the same offset.
        /// </summary>
        private async Task<StateSaveAnswer> SendWithResumeAsync(ErrorHistoryReadCdb cdb, ulong offset, uint allocationLength, IStateSaveDataSink? sink,
            List<TargetSessionInfo> paths, CancellationToken deadline)
        {
            var request = new StateSaveRequest(failure.Lun, failure.Id, cdb.ToArray()) { BufferOffset = offset, AllocationLength = allocationLength };
            Exception? last = null;
            for (int attempt = 0; attempt < 8; attempt++)
            {
                TargetSessionInfo path = _path ?? paths[0];
                (sink as MemorySink)?.Clear(); // a whole-answer read starts over on a retry
                await globalWindow.WaitAsync(deadline).ConfigureAwait(false);
                try
                {
                    return await owner._server.SendStateSaveRequestAsync(path, request, sink, owner._options.RequestTimeout, deadline).ConfigureAwait(false);
                }
                catch (Exception error) when (error is IOException or TimeoutException && !deadline.IsCancellationRequested)
                {
                    last = error;
                    CollectionLog.Resuming(owner._logger, initiatorName, path.Tsih, error.Message);
                    _path = NextPath(path, attempt);
                    if (sink is not null && cdb.IsDataBuffer)
                    {
                        throw new ResumeException(error); // part may have arrived: the caller resumes from the bytes it has
                    }
                }
                finally
                {
                    globalWindow.Release();
                }
            }

            throw new IOException($"no path of {initiatorName} answered: {last?.Message}", last);
        }

        /// <summary>The next path after a failure: the same session once, then another capable session of the host.</summary>
        private TargetSessionInfo NextPath(TargetSessionInfo failed, int attempt)
        {
            TargetSessionInfo[] current = [.. owner._server.GetSessions(owner._targetName)
                .Where(s => s.InitiatorName == initiatorName && s.InBandStateSave)];
            TargetSessionInfo? other = current.FirstOrDefault(s => s.Tsih != failed.Tsih);
            return attempt == 0 && current.Any(s => s.Tsih == failed.Tsih) ? failed : other ?? failed;
        }

        private async Task NotifyStockHostAsync(CancellationToken deadline)
        {
            SenseData sense = SenseData.UnitAttention(StateSaveRequested) with { Information = failure.Id };
            foreach (TargetSessionInfo session in sessions)
            {
                try
                {
                    await owner._server.SendScsiAsyncEventAsync(session, failure.Lun, sense, deadline).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    // The session is gone; the others may still hear.
                }
            }

            (_outcome, _reason) = (HostOutcome.NotCapable, "no session negotiated in-band state save; a SCSI async event was sent");

            // The window in which a stock host may push its application client error history with WRITE BUFFER mode 1Ch.
            if (owner._stockHistory is { } history)
            {
                await Task.Delay(owner._options.StockHostWindow, deadline).ConfigureAwait(false);
                IReadOnlyList<byte[]> entries = history.EntriesOf(initiatorName, started);
                if (entries.Count > 0)
                {
                    PackageEntrySink entry = package.OpenEntry(folder + "/application-client-error-history.bin");
                    _entries.Add(entry);
                    foreach (byte[] pushed in entries)
                    {
                        await entry.WriteAsync(pushed, deadline).ConfigureAwait(false);
                    }

                    entry.Complete();
                    _reason += $"; {entries.Count} application client error history entr{(entries.Count == 1 ? "y" : "ies")} received";
                }
            }
        }

        private static string Cap(string text, int utf8Bytes)
        {
            while (System.Text.Encoding.UTF8.GetByteCount(text) > utf8Bytes)
            {
                text = text[..^1];
            }

            return text;
        }
    }

    /// <summary>A data request failed after some data may have arrived: the caller resumes from what it has.</summary>
    private sealed class ResumeException(Exception inner) : IOException(inner.Message, inner);

    /// <summary>Collects a small answer (the directory, at most its allocation length) in memory.</summary>
    private sealed class MemorySink : IStateSaveDataSink
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> _data = new();

        public ValueTask WriteAsync(ulong bufferOffset, System.Buffers.ReadOnlySequence<byte> data, CancellationToken cancellationToken)
        {
            foreach (ReadOnlyMemory<byte> segment in data)
            {
                System.Buffers.BuffersExtensions.Write(_data, segment.Span);
            }

            return ValueTask.CompletedTask;
        }

        public byte[] ToArray() => _data.WrittenSpan.ToArray();

        public void Clear() => _data.Clear();
    }
}
