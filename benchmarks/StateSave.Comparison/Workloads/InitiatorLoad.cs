using System.Net;
using System.Net.Sockets;
using StateSave.Comparison.Measuring;
using StateSave.Comparison.Running;
using StateSave.Initiator;
using StateSave.Initiator.Commands;
using StateSave.Initiator.Configuration;
using StateSave.Initiator.Login;
using StateSave.Initiator.Scsi;
using StateSave.Initiator.Sessions;
using StateSave.Scsi;

namespace StateSave.Comparison.Workloads;

/// <summary>
/// An iscsi-perf-like load driven by this project's initiator: <see cref="IoShape.QueueDepth"/> workers on one
/// session, each with one command outstanding at a time, taking sequential LBAs from a shared counter (wrapping at the
/// end of the LU), for a fixed time; completions are counted. Every buffer is allocated before the run and the loop
/// allocates nothing itself, so the allocation measured over the window is the initiator's (and the target's, when
/// that runs in this process too).
/// </summary>
internal sealed class InitiatorLoad : IAsyncDisposable
{
    private const string InitiatorName = "iqn.2026-11.io.statesave:comparison";

    // Each worker's completion counter sits on its own cache line (16 longs apart).
    private const int CounterStride = 16;

    private readonly IscsiSession _session;
    private readonly ScsiClient _client;
    private readonly IoMix _mix;
    private readonly ushort _blocksPerIo;
    private readonly ulong _slots;
    private readonly byte[][] _buffers;
    private readonly long[] _completed;
    private Task[] _workers = [];
    private long _issued;
    private long _errors;
    private volatile bool _stopping;
    private string? _firstError;

    private InitiatorLoad(IscsiSession session, ScsiClient client, IoShape shape, IoMix mix, int blockLength, ulong blockCount)
    {
        _session = session;
        _client = client;
        _mix = mix;
        _blocksPerIo = checked((ushort)shape.Blocks(blockLength));
        _slots = blockCount / _blocksPerIo;
        _completed = new long[shape.QueueDepth * CounterStride];
        _buffers = new byte[shape.QueueDepth][];
        var random = new Random(shape.TransferBytes);
        for (int i = 0; i < _buffers.Length; i++)
        {
            _buffers[i] = new byte[shape.TransferBytes];
            random.NextBytes(_buffers[i]); // writes carry non-zero data
        }
    }

    /// <summary>Logs in, reads the capacity, and runs the load: warm-up, then the measurement window, then logout.</summary>
    public static Sample Measure(string cell, int round, EndPoint portal, string targetName, int lun, IoShape shape, IoMix mix, TimeSpan warmUp,
        TimeSpan duration, Shutdown shutdown)
    {
        InitiatorLoad load;
        try
        {
            load = ConnectAsync(portal, targetName, lun, shape, mix).GetAwaiter().GetResult();
        }
        catch (Exception error) when (error is IOException or SocketException or TimeoutException or OperationCanceledException
            or InvalidOperationException or IscsiSessionException or IscsiLoginException or ScsiCommandException)
        {
            return Sample.Failed(cell, round, $"login or READ CAPACITY failed: {error.Message}");
        }

        try
        {
            load.Start();
            shutdown.Wait(warmUp);
            RuntimeCounters start = RuntimeCounters.Take();
            long before = load.Completed;
            shutdown.Wait(duration);
            long after = load.Completed;
            RuntimeDelta delta = RuntimeCounters.Take().Since(start);
            load.StopAsync().GetAwaiter().GetResult();
            if (shutdown.Token.IsCancellationRequested)
            {
                return Sample.Failed(cell, round, "interrupted");
            }

            if (load._errors > 0)
            {
                return Sample.Failed(cell, round, $"{load._errors} command(s) failed, first: {load._firstError}");
            }

            double ios = after - before;
            double seconds = delta.Elapsed.TotalSeconds;
            return new Sample(cell, round)
            {
                Ios = ios,
                Iops = ios / seconds,
                BytesPerSecond = ios * shape.TransferBytes / seconds,
                Seconds = seconds,
            }.WithRuntime(delta);
        }
        finally
        {
            load.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    public long Completed
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _completed.Length; i += CounterStride)
            {
                total += Volatile.Read(ref _completed[i]);
            }

            return total;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        await Task.WhenAll(_workers).ConfigureAwait(false);
        await _session.DisposeAsync().ConfigureAwait(false); // logs out
    }

    private static async Task<InitiatorLoad> ConnectAsync(EndPoint portal, string targetName, int lun, IoShape shape, IoMix mix)
    {
        var initiator = new IscsiInitiator(new InitiatorOptions { InitiatorName = InitiatorName, QueueDepth = shape.QueueDepth });
        IscsiSession session = await initiator.LoginAsync(portal, targetName).ConfigureAwait(false);
        try
        {
            var client = new ScsiClient(session, LogicalUnitNumber.FromSingleLevel(lun));
            await ClearUnitAttentionsAsync(client).ConfigureAwait(false);
            ReadCapacityData capacity = await client.ReadCapacity16Async().ConfigureAwait(false);
            return new InitiatorLoad(session, client, shape, mix, (int)capacity.BlockLength, capacity.BlockCount);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A new I_T nexus starts with unit attentions (POWER ON, RESET ..., SAM-5 §5.14): TEST UNIT READY takes them.</summary>
    private static async Task ClearUnitAttentionsAsync(ScsiClient client)
    {
        for (int attempt = 0; attempt < 4; attempt++)
        {
            ScsiCommandResponse response = await client.TestUnitReadyAsync().ConfigureAwait(false);
            if (response.IsGood)
            {
                return;
            }
        }
    }

    private void Start() => _workers = [.. Enumerable.Range(0, _buffers.Length).Select(RunWorkerAsync)];

    private async Task StopAsync()
    {
        _stopping = true;
        await Task.WhenAll(_workers).ConfigureAwait(false);
    }

    private async Task RunWorkerAsync(int worker)
    {
        await Task.Yield(); // every worker runs on the thread pool, not on the caller's thread
        Memory<byte> buffer = _buffers[worker];
        int counter = worker * CounterStride;
        while (!_stopping)
        {
            long index = Interlocked.Increment(ref _issued) - 1;
            uint lba = checked((uint)((ulong)index % _slots * _blocksPerIo));
            // Mixed: 7 reads then 3 writes in every 10 consecutive I/Os (70/30).
            bool read = _mix == IoMix.Read || (_mix == IoMix.Mixed && index % 10 < 7);
            ScsiCommandResponse response = read
                ? await _client.Read10Async(lba, _blocksPerIo, buffer).ConfigureAwait(false)
                : await _client.Write10Async(lba, _blocksPerIo, buffer).ConfigureAwait(false);
            if (response.IsGood)
            {
                Volatile.Write(ref _completed[counter], _completed[counter] + 1);
                continue;
            }

            if (Interlocked.Increment(ref _errors) == 1)
            {
                _firstError = $"{(read ? "READ" : "WRITE")}(10) LBA {lba}: {response}";
            }

            if (response.Outcome is CommandOutcome.SessionFailed or CommandOutcome.SessionClosed)
            {
                return;
            }
        }
    }
}
