using System.Runtime.CompilerServices;
using StateSave.Host.Logging;
using StateSave.Initiator.Commands;
using StateSave.Initiator.Scsi;
using StateSave.Initiator.Sessions;
using StateSave.Scsi;

namespace StateSave.Host.Failover;

/// <summary>
/// One logical unit as the host's applications see it, whatever the number of paths to it. Each I/O goes to a path
/// of the best ALUA group (active/optimized, else active/non-optimized) chosen by the policy; an attempt that fails
/// for a path reason (transport, session recovering, timeout, ALUA standby/unavailable/transitioning) is retried on
/// another path, so the application sees no error while one path works. A write is reported successful only when a
/// target returned GOOD for it (block writes are idempotent, so repeating one on another path is safe). Thread-safe.
/// </summary>
public sealed class MultipathDevice
{
    /// <summary>Immediate retries (unit attentions, aborts) of one I/O before they are paced by <see cref="FailoverOptions.RetryDelay"/>.</summary>
    private const int MaxImmediateRetries = 8;

    private readonly FailoverDriver _driver;
    private readonly Lock _gate = new();
    private MultipathPath[] _paths = [];
    private int _roundRobin;
    private long _ios;
    private long _retries;
    private long _pathSwitches;
    private long _errors;

    /// <summary>ALUA refreshes asked for and not yet served (see <see cref="FailoverDriver.RequestAccessStateRefresh"/>).</summary>
    internal int RefreshRequests;

    /// <summary>When the ALUA states were last read (a <see cref="TimeProvider"/> timestamp).</summary>
    internal long LastAccessStateRefresh;

    internal MultipathDevice(FailoverDriver driver, string name, LogicalUnitIdentity identity, StandardInquiryData inquiry, uint blockLength, ulong blockCount)
    {
        _driver = driver;
        Name = name;
        Identity = identity;
        Vendor = inquiry.VendorIdentification;
        Product = inquiry.ProductIdentification;
        AluaSupported = inquiry.TargetPortGroupSupport != 0;
        BlockLength = blockLength;
        BlockCount = blockCount;
    }

    /// <summary>"mpath0", "mpath1" ... in discovery order.</summary>
    public string Name { get; }

    public LogicalUnitIdentity Identity { get; }

    public string Vendor { get; }

    public string Product { get; }

    /// <summary>INQUIRY TPGS ≠ 0: the LU reports target port groups.</summary>
    public bool AluaSupported { get; }

    public uint BlockLength { get; }

    public ulong BlockCount { get; }

    public IReadOnlyList<MultipathPath> Paths
    {
        get
        {
            lock (_gate)
            {
                return _paths;
            }
        }
    }

    internal void AddPath(MultipathPath path)
    {
        lock (_gate)
        {
            _paths = [.. _paths, path];
        }
    }

    /// <summary>Reads whole blocks from <paramref name="logicalBlockAddress"/> into <paramref name="destination"/> (READ (16)).</summary>
    /// <exception cref="MultipathIoException">The LU refused the read, or no path could take it in time.</exception>
    public ValueTask ReadAsync(ulong logicalBlockAddress, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        uint blocks = Blocks(destination.Length);
        Span<byte> cdb = stackalloc byte[16];
        CdbBuilder.Read16(cdb, logicalBlockAddress, blocks);
        return ThrowUnlessGood(RunAsync(new ScsiCommand(LogicalUnitNumber.Zero, cdb) { DataIn = destination }, cancellationToken), "READ (16)", destination.Length);
    }

    /// <summary>Writes whole blocks at <paramref name="logicalBlockAddress"/> (WRITE (16)); completes only after a target returned GOOD.</summary>
    /// <exception cref="MultipathIoException">The LU refused the write, or no path could take it in time: the blocks' content is then unknown.</exception>
    public ValueTask WriteAsync(ulong logicalBlockAddress, ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        uint blocks = Blocks(source.Length);
        Span<byte> cdb = stackalloc byte[16];
        CdbBuilder.Write16(cdb, logicalBlockAddress, blocks);
        return ThrowUnlessGood(RunAsync(new ScsiCommand(LogicalUnitNumber.Zero, cdb) { DataOut = source }, cancellationToken), "WRITE (16)", 0);
    }

    /// <summary>
    /// Sends any CDB (1-16 bytes) with the same path selection and retries; returns the final response (GOOD, or the
    /// error no path could change).
    /// </summary>
    /// <exception cref="ArgumentException">Both buffers are given (bidirectional commands are not supported), or the CDB is not 1-16 bytes.</exception>
    public ValueTask<ScsiCommandResponse> ExecuteAsync(ReadOnlySpan<byte> cdb, Memory<byte> dataIn = default, ReadOnlyMemory<byte> dataOut = default,
        CancellationToken cancellationToken = default)
    {
        if (!dataIn.IsEmpty && !dataOut.IsEmpty)
        {
            throw new ArgumentException("Bidirectional commands are not supported.", nameof(dataOut));
        }

        return RunAsync(new ScsiCommand(LogicalUnitNumber.Zero, cdb) { DataIn = dataIn, DataOut = dataOut }, cancellationToken);
    }

    public MultipathDeviceSnapshot ToSnapshot() => new(Name, Identity.Key, Vendor, Product, BlockLength, BlockCount, Interlocked.Read(ref _ios),
        Interlocked.Read(ref _retries), Interlocked.Read(ref _pathSwitches), Interlocked.Read(ref _errors), [.. Paths.Select(p => p.ToSnapshot())]);

    public override string ToString() => $"{Name} ({Identity})";

    private uint Blocks(int length)
    {
        if (length == 0 || length % BlockLength != 0)
        {
            throw new ArgumentException($"The buffer ({length} bytes) must hold whole blocks of {BlockLength} bytes.", nameof(length));
        }

        return (uint)(length / BlockLength);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ThrowUnlessGood(ValueTask<ScsiCommandResponse> pending, string operation, int expectedDataIn)
    {
        ScsiCommandResponse response = await pending.ConfigureAwait(false);
        if (!response.IsGood)
        {
            throw new MultipathIoException($"{operation} on {Name} failed", response);
        }

        if (response.DataInLength < expectedDataIn || (expectedDataIn > 0 && response.ResidualUnderflow))
        {
            // GOOD with less data than asked: part of the caller's buffer holds nothing from the LU.
            Interlocked.Increment(ref _errors);
            throw new MultipathIoException($"{operation} on {Name} returned {response.DataInLength} of {expectedDataIn} bytes", response);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ScsiCommandResponse> RunAsync(ScsiCommand command, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _ios);
        long started = _driver.Time.GetTimestamp();
        MultipathPath? avoid = null;
        MultipathPath? previous = null;
        ScsiCommandResponse last = default;
        int immediateRetries = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_driver.Time.GetElapsedTime(started) > _driver.Options.NoPathTimeout)
            {
                Interlocked.Increment(ref _errors);
                HostLog.IoFailed(_driver.Logger, Name, "no path could complete the I/O in time; last answer " + last);
                throw new MultipathIoException($"No path of {Name} completed the I/O within {_driver.Options.NoPathTimeout}", last);
            }

            MultipathPath? path = Select(avoid, out CancellationToken failureToken);
            if (path is null)
            {
                avoid = null;
                await Task.Delay(_driver.Options.RetryDelay, _driver.Time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (previous is not null && !ReferenceEquals(previous, path))
            {
                Interlocked.Increment(ref _pathSwitches);
            }

            previous = path;
            ScsiCommandResponse response;
            try
            {
                response = await path.HbaSession.Session.ExecuteAsync(command with { Lun = path.Lun }, failureToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is IscsiSessionException or ObjectDisposedException or OperationCanceledException)
            {
                // A slot wait cancelled by the path's failure, or a session torn down under us: a path problem.
                response = new ScsiCommandResponse { Outcome = CommandOutcome.SessionFailed };
            }

            IoVerdict verdict = IoVerdict.Classify(response, failureToken.IsCancellationRequested);
            path.EndIo(verdict.Disposition != IoDisposition.Success);
            switch (verdict.Disposition)
            {
                case IoDisposition.Success:
                    return response;
                case IoDisposition.Fatal:
                    Interlocked.Increment(ref _errors);
                    _driver.Hba.Record(Hba.HbaEventKind.Error, path.HbaSession.Port.Name, path.HbaSession.Id, $"{Name} via {path.Name}: {response}");
                    return response;
            }

            last = response;
            Interlocked.Increment(ref _retries);
            HostLog.IoRetried(_driver.Logger, Name, path.Name, response);
            switch (verdict.Disposition)
            {
                case IoDisposition.PathFailed:
                    _driver.FailPath(this, path, failureToken.IsCancellationRequested ? "path failed under the I/O" : "I/O ended " + response);
                    avoid = path;
                    break;
                case IoDisposition.AccessDenied:
                    _driver.SetAccessState(this, path, verdict.AccessState!.Value, path.Preferred, $"I/O answered {response.Sense?.AdditionalSenseCode}");
                    avoid = path;
                    break;
                case IoDisposition.RetryLater:
                    avoid = path;
                    await Task.Delay(_driver.Options.RetryDelay, _driver.Time, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    avoid = null;
                    if (++immediateRetries > MaxImmediateRetries)
                    {
                        // A LU that keeps answering unit attentions or aborts is not hammered: pace the retries.
                        await Task.Delay(_driver.Options.RetryDelay, _driver.Time, cancellationToken).ConfigureAwait(false);
                    }

                    break;
            }

            if (verdict.RefreshAccessStates)
            {
                _driver.RequestAccessStateRefresh(this);
            }
        }
    }

    /// <summary>
    /// The path for the next attempt: among usable paths, those of the best ALUA rank, by policy; <paramref name="avoid"/>
    /// (the path that just failed the I/O) only when it is the only one left.
    /// </summary>
    private MultipathPath? Select(MultipathPath? avoid, out CancellationToken failureToken)
    {
        MultipathPath[] paths = Volatile.Read(ref _paths);
        for (int round = 0; round < 2; round++)
        {
            MultipathPath? chosen = Choose(paths, round == 0 ? avoid : null);
            if (chosen is not null && chosen.TryBeginIo(out failureToken))
            {
                return chosen;
            }
        }

        failureToken = default;
        return null;
    }

    private MultipathPath? Choose(MultipathPath[] paths, MultipathPath? avoid)
    {
        int bestRank = MultipathPath.UnusableRank;
        int candidates = 0;
        foreach (MultipathPath path in paths)
        {
            if (ReferenceEquals(path, avoid) || !path.IsUsable)
            {
                continue;
            }

            int rank = path.AccessRank;
            if (rank < bestRank)
            {
                bestRank = rank;
                candidates = 1;
            }
            else if (rank == bestRank)
            {
                candidates++;
            }
        }

        if (candidates == 0)
        {
            return null;
        }

        if (_driver.Options.Policy == PathSelectionPolicy.LeastQueueDepth)
        {
            MultipathPath? least = null;
            foreach (MultipathPath path in paths)
            {
                if (!ReferenceEquals(path, avoid) && path.IsUsable && path.AccessRank == bestRank && (least is null || path.InFlight < least.InFlight))
                {
                    least = path;
                }
            }

            return least;
        }

        int pick = (int)((uint)Interlocked.Increment(ref _roundRobin) % (uint)candidates);
        foreach (MultipathPath path in paths)
        {
            if (!ReferenceEquals(path, avoid) && path.IsUsable && path.AccessRank == bestRank && pick-- == 0)
            {
                return path;
            }
        }

        return null;
    }
}
