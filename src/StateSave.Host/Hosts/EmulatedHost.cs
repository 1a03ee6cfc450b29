using Microsoft.Extensions.Logging;
using StateSave.Host.Applications;
using StateSave.Host.Failover;
using StateSave.Host.Hba;
using StateSave.Host.Logging;
using StateSave.Initiator.InBand;

namespace StateSave.Host.Hosts;

/// <summary>
/// An emulated host: an HBA driver (initiator ports and sessions), a failover driver (multipath devices over those
/// sessions) and the applications doing I/O on the devices. <see cref="StartAsync"/> logs the configured paths in,
/// discovers the devices, starts path probing and the applications; <see cref="StopAsync"/> stops the applications
/// and logs out. Hosts are independent objects: several can run in one process.
/// </summary>
public sealed class EmulatedHost : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<IHostApplication> _applications = [];
    private readonly List<Task> _running = [];
    private readonly ILogger _logger;
    private CancellationTokenSource? _stop;
    private bool _stopped;

    public EmulatedHost(EmulatedHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Hba = new HbaDriver(options.Hba);
        Failover = new FailoverDriver(Hba, options.Failover);
        _logger = options.Hba.LoggerFactory.CreateLogger("StateSave.Host");
        // In-band state save: the HBA driver receives the requests and the failover driver's responder answers them
        // with one snapshot of this host per failure (used only on ports that propose the key).
        StateSaves = new InBandSnapshotResponder(new HostStateSaveSource(this));
        Hba.StateSaveReceiver = StateSaves;
    }

    /// <summary>The snapshots this host froze for the storage's state saves (specs/in-band-state-save.md §3).</summary>
    public InBandSnapshotResponder StateSaves { get; }

    public string Name => Options.Name;

    public EmulatedHostOptions Options { get; }

    public HbaDriver Hba { get; }

    public FailoverDriver Failover { get; }

    public IReadOnlyList<MultipathDevice> Devices => Failover.Devices;

    public IReadOnlyList<IHostApplication> Applications
    {
        get
        {
            lock (_gate)
            {
                return [.. _applications];
            }
        }
    }

    /// <summary>True between <see cref="StartAsync"/> and <see cref="StopAsync"/>.</summary>
    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _stop is not null && !_stopped;
            }
        }
    }

    /// <summary>
    /// Logs in every configured path (a path that cannot log in is recorded in the HBA's events and skipped; no path at
    /// all is an error), discovers the multipath devices, starts probing and the applications.
    /// </summary>
    /// <exception cref="InvalidOperationException">No path could be logged in.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_stop is not null)
            {
                throw new InvalidOperationException($"Host {Name} was already started.");
            }

            _stop = new CancellationTokenSource();
        }

        var failures = new List<string>();
        foreach (PathBinding binding in Options.Paths)
        {
            try
            {
                await Hba.ConnectAsync(binding.Port, binding.Portal, binding.TargetName, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (HbaDriver.IsLoginFailure(error))
            {
                failures.Add($"{binding.Port} -> {binding.Portal}: {error.Message}");
            }
        }

        if (Options.Paths.Count > 0 && Hba.Sessions.Count == 0)
        {
            throw new InvalidOperationException($"Host {Name} could not log in any path: {string.Join("; ", failures)}");
        }

        await Failover.DiscoverAsync(cancellationToken).ConfigureAwait(false);
        Failover.Start();
        foreach (Func<EmulatedHost, IHostApplication> factory in Options.Applications)
        {
            AddApplication(factory(this));
        }

        HostLog.HostStarted(_logger, Name, Hba.Sessions.Count, Failover.Devices.Count, Applications.Count);
    }

    /// <summary>Adds an application; it starts at once when the host is running.</summary>
    public void AddApplication(IHostApplication application)
    {
        ArgumentNullException.ThrowIfNull(application);
        lock (_gate)
        {
            _applications.Add(application);
            if (_stop is not null && !_stopped)
            {
                _running.Add(RunApplicationAsync(application, _stop.Token));
            }
        }
    }

    /// <summary>Completes when every application started so far has returned.</summary>
    public Task WhenApplicationsCompleted()
    {
        lock (_gate)
        {
            return Task.WhenAll(_running);
        }
    }

    /// <summary>Stops the applications (and waits for their I/Os), stops probing, logs every session out.</summary>
    public async Task StopAsync()
    {
        CancellationTokenSource? stop;
        Task[] running;
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            stop = _stop;
            running = [.. _running];
        }

        if (stop is not null)
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }

        await Task.WhenAll(running).ConfigureAwait(false);
        await Failover.DisposeAsync().ConfigureAwait(false);
        await Hba.LogoutAllAsync().ConfigureAwait(false);
        stop?.Dispose();
        HostLog.HostStopped(_logger, Name);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>Freezes the HBA driver, the failover driver and every application's log.</summary>
    public HostSnapshot ToSnapshot()
    {
        HbaSnapshot hba = Hba.ToSnapshot();
        FailoverSnapshot failover = Failover.ToSnapshot();
        ApplicationSnapshot[] applications = [.. Applications.Select(a => new ApplicationSnapshot(a.Name, a.Log.ToSnapshot(), a.Log.Overwritten,
            (a as VerifyingWorkload)?.Statistics))];
        return new HostSnapshot(Name, hba.Time, [.. Hba.Ports.Select(p => p.InitiatorName).Distinct()], hba, failover, applications);
    }

    public override string ToString() => Name;

    private async Task RunApplicationAsync(IHostApplication application, CancellationToken stop)
    {
        await Task.Yield();
        try
        {
            await application.RunAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // An application's failure is its own: logged, never taken down with the host.
        catch (Exception error)
#pragma warning restore CA1031
        {
            application.Log.Error("ended with " + error.GetType().Name + ": " + error.Message);
            HostLog.ApplicationFailed(_logger, Name, application.Name, error);
        }
    }
}
