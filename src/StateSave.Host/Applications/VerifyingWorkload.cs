using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StateSave.Host.Failover;
using StateSave.Host.Logging;

namespace StateSave.Host.Applications;

/// <summary>
/// A host application that reads and writes a region of a multipath device with a configurable mix, sizes and queue
/// depth, and verifies every block it reads: each written block carries its LBA, a write generation and a checksum
/// (<see cref="BlockStamp"/>), and the workload remembers the generation last acknowledged for each block. I/Os in
/// flight never overlap (the region is cut into extents of the largest I/O, one I/O per extent at a time), so a read
/// must return exactly the last acknowledged write. A write that failed leaves its blocks uncertain: the old or the
/// new content is accepted until the next write. Buffers are rented once per worker.
/// </summary>
public sealed class VerifyingWorkload : IHostApplication
{
    /// <summary>Bit set in an expected generation when the last write failed: the content may be the old or the new one.</summary>
    private const ulong Uncertain = 1UL << 63;

    private readonly MultipathDevice _device;
    private readonly VerifyingWorkloadOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ulong _regionStart;
    private readonly ulong[] _expected;
    private readonly bool[] _extentBusy;
    private readonly int _extentBlocks;
    private readonly Lock _extentGate = new();
    private readonly LatencyHistogram _latency = new();
    private long _generation;
    private long _operations;
    private long _reads;
    private long _writes;
    private long _bytesRead;
    private long _bytesWritten;
    private long _blocksVerified;
    private long _errors;
    private long _verificationFailures;
    private long _started;

    public VerifyingWorkload(MultipathDevice device, VerifyingWorkloadOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        _device = device;
        _options = options ?? new VerifyingWorkloadOptions();
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("StateSave.Host.Applications");
        if (device.BlockLength < BlockStamp.MinimumBlockLength)
        {
            throw new ArgumentException($"Blocks of {device.BlockLength} bytes are too small to stamp.", nameof(device));
        }

        if (_options.BlockCounts.Count == 0 || _options.BlockCounts.Any(c => c < 1))
        {
            throw new ArgumentException("Every I/O size must be at least one block.", nameof(options));
        }

        _regionStart = _options.RegionStart;
        ulong blocks = _options.RegionBlocks != 0 ? _options.RegionBlocks : device.BlockCount - Math.Min(device.BlockCount, _regionStart);
        if (_regionStart + blocks > device.BlockCount || blocks > int.MaxValue)
        {
            throw new ArgumentException($"The region {_regionStart}+{blocks} does not fit {device.Name} ({device.BlockCount} blocks).", nameof(options));
        }

        _extentBlocks = _options.BlockCounts.Max();
        int extents = (int)(blocks / (ulong)_extentBlocks);
        if (extents < _options.QueueDepth)
        {
            throw new ArgumentException($"The region holds {extents} extents of {_extentBlocks} blocks, fewer than the queue depth {_options.QueueDepth}.", nameof(options));
        }

        _expected = new ulong[extents * _extentBlocks];
        _extentBusy = new bool[extents];
        Log = new ApplicationLog(_options.Name, _options.LogCapacity, _time);
    }

    public string Name => _options.Name;

    public ApplicationLog Log { get; }

    public MultipathDevice Device => _device;

    public WorkloadStatistics Statistics => new(Interlocked.Read(ref _operations), Interlocked.Read(ref _reads), Interlocked.Read(ref _writes),
        Interlocked.Read(ref _bytesRead), Interlocked.Read(ref _bytesWritten), Interlocked.Read(ref _blocksVerified), Interlocked.Read(ref _errors),
        Interlocked.Read(ref _verificationFailures), _latency.ToSnapshot());

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Log.Information(string.Create(CultureInfo.InvariantCulture,
            $"start on {_device.Name} ({_device.Identity}): blocks {_regionStart}+{_expected.Length}, {_options.ReadPercent}% reads, sizes [{string.Join(' ', _options.BlockCounts)}], QD {_options.QueueDepth}"));
        var workers = new Task[_options.QueueDepth];
        for (int i = 0; i < workers.Length; i++)
        {
            int worker = i;
            workers[i] = Task.Run(() => WorkerAsync(worker, cancellationToken), CancellationToken.None);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        WorkloadStatistics stats = Statistics;
        Log.Information(string.Create(CultureInfo.InvariantCulture,
            $"stop: {stats.Operations} I/Os ({stats.Reads} reads, {stats.Writes} writes), {stats.BlocksVerified} blocks verified, {stats.Errors} errors, {stats.VerificationFailures} verification failures"));
    }

    /// <summary>
    /// Reads the whole region once and verifies every block (extent by extent, each taken as a worker would, so it may
    /// run beside the workload). Returns the verification failures found by this pass.
    /// </summary>
    public async Task<long> VerifyRegionAsync(CancellationToken cancellationToken)
    {
        long before = Interlocked.Read(ref _verificationFailures);
        int blockLength = (int)_device.BlockLength;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_extentBlocks * blockLength);
        try
        {
            for (int extent = 0; extent < _extentBusy.Length; extent++)
            {
                while (!TryTakeExtent(extent))
                {
                    await Task.Delay(1, cancellationToken).ConfigureAwait(false);
                }

                try
                {
                    await ReadAsync(extent * _extentBlocks, buffer.AsMemory(0, _extentBlocks * blockLength)).ConfigureAwait(false);
                }
                finally
                {
                    ReleaseExtent(extent);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return Interlocked.Read(ref _verificationFailures) - before;
    }

    private async Task WorkerAsync(int worker, CancellationToken cancellationToken)
    {
        var random = new Random(_options.Seed + worker);
        int blockLength = (int)_device.BlockLength;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_extentBlocks * blockLength);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (_options.MaxOperations > 0 && Interlocked.Increment(ref _started) > _options.MaxOperations)
                {
                    return;
                }

                int extent = TakeExtent(random);
                try
                {
                    int blocks = _options.BlockCounts[random.Next(_options.BlockCounts.Count)];
                    int first = (extent * _extentBlocks) + random.Next(_extentBlocks - blocks + 1);
                    Memory<byte> data = buffer.AsMemory(0, blocks * blockLength);
                    bool read = random.Next(100) < _options.ReadPercent;
                    long start = _time.GetTimestamp();
                    if (read)
                    {
                        await ReadAsync(first, data).ConfigureAwait(false);
                    }
                    else
                    {
                        await WriteAsync(first, data).ConfigureAwait(false);
                    }

                    _latency.Record(_time.GetElapsedTime(start));
                    Interlocked.Increment(ref _operations);
                }
                finally
                {
                    ReleaseExtent(extent);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReadAsync(int first, Memory<byte> data)
    {
        try
        {
            // No cancellation token: an I/O issued runs to its end, so the expected generations stay exact.
            await _device.ReadAsync(_regionStart + (ulong)first, data, CancellationToken.None).ConfigureAwait(false);
        }
        catch (MultipathIoException error)
        {
            Interlocked.Increment(ref _errors);
            Log.Error($"read of LBA {_regionStart + (ulong)first} failed: {error.Message}");
            return;
        }

        Interlocked.Increment(ref _reads);
        Interlocked.Add(ref _bytesRead, data.Length);
        Verify(first, data.Span);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteAsync(int first, Memory<byte> data)
    {
        int blockLength = (int)_device.BlockLength;
        int blocks = data.Length / blockLength;
        ulong generation = (ulong)Interlocked.Increment(ref _generation);
        for (int i = 0; i < blocks; i++)
        {
            BlockStamp.Write(data.Span.Slice(i * blockLength, blockLength), _regionStart + (ulong)(first + i), generation, _options.WorkloadId);
        }

        try
        {
            await _device.WriteAsync(_regionStart + (ulong)first, data, CancellationToken.None).ConfigureAwait(false);
        }
        catch (MultipathIoException error)
        {
            Interlocked.Increment(ref _errors);
            Log.Error($"write of LBA {_regionStart + (ulong)first} failed: {error.Message}");
            for (int i = 0; i < blocks; i++)
            {
                // Old or new content: both acceptable until the next write (the extent is ours, nobody else writes it meanwhile).
                _expected[first + i] = (_expected[first + i] & ~Uncertain) | Uncertain;
            }

            return;
        }

        for (int i = 0; i < blocks; i++)
        {
            _expected[first + i] = generation;
        }

        Interlocked.Increment(ref _writes);
        Interlocked.Add(ref _bytesWritten, data.Length);
    }

    private void Verify(int first, ReadOnlySpan<byte> data)
    {
        int blockLength = (int)_device.BlockLength;
        for (int i = 0; i * blockLength < data.Length; i++)
        {
            ulong lba = _regionStart + (ulong)(first + i);
            ulong expected = _expected[first + i];
            BlockCheck check = BlockStamp.Read(data.Slice(i * blockLength, blockLength), out ulong stampedLba, out ulong generation, out uint workload);
            string? problem = expected switch
            {
                0 => check switch
                {
                    BlockCheck.BadChecksum => "a stamped block with a bad checksum",
                    BlockCheck.Valid when stampedLba != lba => $"the block of LBA {stampedLba}",
                    _ => null, // never written by this run: anything readable is fine
                },
                _ when check != BlockCheck.Valid => $"{check} content where generation {expected & ~Uncertain} was written",
                _ when stampedLba != lba => $"the block of LBA {stampedLba} (generation {generation})",
                _ when workload != _options.WorkloadId => $"a block of workload {workload}",
                _ when (expected & Uncertain) != 0 => generation >= (expected & ~Uncertain) ? null
                    : $"generation {generation}, older than {expected & ~Uncertain}",
                _ when generation != expected => $"generation {generation} where {expected} was acknowledged",
                _ => null,
            };
            if (problem is null)
            {
                Interlocked.Increment(ref _blocksVerified);
                continue;
            }

            Interlocked.Increment(ref _verificationFailures);
            Log.Error($"verification of LBA {lba} failed: {problem}");
            HostLog.VerificationFailed(_logger, Name, lba, problem);
        }
    }

    private int TakeExtent(Random random)
    {
        lock (_extentGate)
        {
            int start = random.Next(_extentBusy.Length);
            for (int i = 0; i < _extentBusy.Length; i++)
            {
                int extent = (start + i) % _extentBusy.Length;
                if (!_extentBusy[extent])
                {
                    _extentBusy[extent] = true;
                    return extent;
                }
            }
        }

        // Unreachable: there are at least as many extents as workers.
        throw new InvalidOperationException("No free extent.");
    }

    private bool TryTakeExtent(int extent)
    {
        lock (_extentGate)
        {
            if (_extentBusy[extent])
            {
                return false;
            }

            _extentBusy[extent] = true;
            return true;
        }
    }

    private void ReleaseExtent(int extent)
    {
        lock (_extentGate)
        {
            _extentBusy[extent] = false;
        }
    }
}
