using System.Globalization;
using Microsoft.Extensions.Logging;
using StateSave.Host.Hba;
using StateSave.Host.Logging;
using StateSave.Initiator.Scsi;
using StateSave.Initiator.Sessions;

namespace StateSave.Host.Failover;

/// <summary>
/// The failover (multipath) driver: finds the logical units behind every HBA session (REPORT LUNS, INQUIRY, VPD 83h),
/// groups the paths to one LU by its VPD 83h identifier into a <see cref="MultipathDevice"/>, reads ALUA states
/// (REPORT TARGET PORT GROUPS), fails a path when its session is lost or its I/O fails for a path reason, brings it back
/// when its session is logged in again and a TEST UNIT READY probe passes, and keeps a bounded history of path-state
/// changes. <see cref="ToSnapshot"/> freezes all of it in immutable records. Thread-safe.
/// </summary>
public sealed partial class FailoverDriver : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<MultipathDevice> _devices = [];
    private readonly HashSet<HbaSession> _scanned = [];
    private readonly BoundedRing<PathHistoryEntry> _history;
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationToken _stopToken;
    private readonly SemaphoreSlim _probeSignal = new(0, 1);
    private Task _probeLoop = Task.CompletedTask;

    public FailoverDriver(HbaDriver hba, FailoverOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(hba);
        Hba = hba;
        Options = options ?? new FailoverOptions();
        _history = new BoundedRing<PathHistoryEntry>(Options.HistoryCapacity);
        Logger = Options.LoggerFactory.CreateLogger("StateSave.Host.Failover");
        _stopToken = _stopping.Token; // kept: background work may still look at it after DisposeAsync
    }

    public HbaDriver Hba { get; }

    public FailoverOptions Options { get; }

    internal ILogger Logger { get; }

    internal TimeProvider Time => Options.TimeProvider;

    public IReadOnlyList<MultipathDevice> Devices
    {
        get
        {
            lock (_gate)
            {
                return [.. _devices];
            }
        }
    }

    /// <summary>The path-state history, oldest first.</summary>
    public IReadOnlyList<PathHistoryEntry> History => _history.ToArray();

    /// <summary>The device named <paramref name="nameOrIdentity"/> ("mpath0" or its identity key), or null.</summary>
    public MultipathDevice? FindDevice(string nameOrIdentity) =>
        Devices.FirstOrDefault(d => d.Name == nameOrIdentity || d.Identity.Key == nameOrIdentity);

    /// <summary>
    /// Starts the probe loop (failed paths are probed every <see cref="FailoverOptions.ProbeInterval"/>) and scans every
    /// session the HBA logs in from now on, so a path added later joins its device.
    /// </summary>
    public void Start()
    {
        lock (_gate)
        {
            if (!_probeLoop.IsCompleted || _stopToken.IsCancellationRequested)
            {
                return;
            }

            _probeLoop = Task.Run(ProbeLoopAsync);
        }

        Hba.SessionAdded += OnSessionAdded;
    }

    private void OnSessionAdded(object? sender, HbaSession session) => _ = Task.Run(async () =>
    {
        try
        {
            await DiscoverAsync(_stopToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Background work: a failure is logged.
        catch (Exception error)
#pragma warning restore CA1031
        {
            HostLog.BackgroundFailed(Logger, "discovery of " + session.Id, error);
        }
    });

    /// <summary>Freezes devices, paths and the history.</summary>
    public FailoverSnapshot ToSnapshot() =>
        new(Time.GetUtcNow(), Options.Policy, [.. Devices.Select(d => d.ToSnapshot())], _history.ToArray(), _history.Overwritten);

    public async ValueTask DisposeAsync()
    {
        Hba.SessionAdded -= OnSessionAdded;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _probeLoop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Takes a path out of service (its queued commands end at once and go to another path).</summary>
    internal void FailPath(MultipathDevice device, MultipathPath path, string reason) => ChangeState(device, path, PathState.Failed, reason);

    internal void ChangeState(MultipathDevice device, MultipathPath path, PathState state, string reason)
    {
        DateTimeOffset now = Time.GetUtcNow();
        if (path.SetState(state, reason, now, out AsymmetricAccessState access) is { } old)
        {
            _history.Add(new PathHistoryEntry(now, device.Name, path.Name, old, state, access, access, reason));
            HostLog.PathStateChanged(Logger, device.Name, path.Name, old, state, reason);
            if (state == PathState.Failed)
            {
                Hba.Record(HbaEventKind.Abort, path.HbaSession.Port.Name, path.HbaSession.Id, $"{path.Name} failed: {reason}");
                Signal();
            }
        }
    }

    internal void SetAccessState(MultipathDevice device, MultipathPath path, AsymmetricAccessState state, bool preferred, string reason)
    {
        DateTimeOffset now = Time.GetUtcNow();
        if (path.SetAccessState(state, preferred, reason, now) is { } old)
        {
            PathState pathState = path.State;
            _history.Add(new PathHistoryEntry(now, device.Name, path.Name, pathState, pathState, old, state, reason));
            HostLog.AccessStateChanged(Logger, device.Name, path.Name, old, state, reason);
        }
    }

    private void Signal()
    {
        try
        {
            if (_probeSignal.CurrentCount == 0)
            {
                _probeSignal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
        }
    }

    private void OnSessionStateChanged(object? sender, HbaSessionStateChangedEventArgs e)
    {
        string reason = string.Create(CultureInfo.InvariantCulture, $"session {e.OldState} -> {e.NewState}: {e.Reason}");
        foreach (MultipathDevice device in Devices)
        {
            foreach (MultipathPath path in device.Paths)
            {
                if (!ReferenceEquals(path.HbaSession, e.Session))
                {
                    continue;
                }

                if (e.NewState != SessionState.LoggedIn)
                {
                    // Our own logout removes the path; anything else (recovery, renewal, failure) only takes it out of service.
                    ChangeState(device, path, e.NewState is SessionState.Closed or SessionState.LoggingOut ? PathState.Removed : PathState.Failed, reason);
                }
            }
        }

        if (e.NewState == SessionState.LoggedIn)
        {
            Signal(); // failback: the probe loop tests the path and puts it back in service
        }
    }

    private void OnAsyncMessage(object? sender, AsyncMessageEventArgs e)
    {
        if (e.Sense is { } sense && sense.AdditionalSenseCode == StateSave.Scsi.AdditionalSenseCode.AsymmetricAccessStateChanged)
        {
            foreach (MultipathDevice device in Devices)
            {
                if (device.Paths.Any(p => ReferenceEquals(p.HbaSession, sender)))
                {
                    RequestAccessStateRefresh(device);
                }
            }
        }
    }
}
