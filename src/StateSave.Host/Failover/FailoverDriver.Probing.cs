using System.Collections.Concurrent;
using StateSave.Host.Hba;
using StateSave.Host.Logging;
using StateSave.Initiator.Commands;
using StateSave.Initiator.Scsi;
using StateSave.Initiator.Sessions;

namespace StateSave.Host.Failover;

/// <summary>Failure detection and failback: the probe loop.</summary>
public sealed partial class FailoverDriver
{
    /// <summary>Probes running, one at most per path: a probe stuck on a hung path never holds up the others.</summary>
    private readonly ConcurrentDictionary<MultipathPath, Task> _probes = new();

    /// <summary>Reconnects running, one at most per HBA session.</summary>
    private readonly ConcurrentDictionary<HbaSession, Task> _reconnects = new();

    private async Task ProbeLoopAsync()
    {
        CancellationToken stop = _stopToken;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _probeSignal.WaitAsync(Options.ProbeInterval, stop).ConfigureAwait(false);
                StartProbes(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Background work: a failure is logged and the loop goes on.
            catch (Exception error)
#pragma warning restore CA1031
            {
                HostLog.BackgroundFailed(Logger, "path probe", error);
            }
        }

        // Probes still running are not awaited: one stuck on a hung path ends when its session is logged out or fails.
    }

    /// <summary>One probe round, waiting for the probes it started (for tests and callers that want a synchronous round).</summary>
    public Task ProbeAsync(CancellationToken cancellationToken = default) => Task.WhenAll(StartProbes(cancellationToken));

    /// <summary>
    /// Starts a probe round: an active path whose session is not logged in fails; a failed path whose session failed for
    /// good gets a new session (HBA reconnect); a failed path whose session is logged in is tested with TEST UNIT READY
    /// and back in service when the LU answers (GOOD, a unit attention, or an ALUA state: the path works).
    /// </summary>
    private List<Task> StartProbes(CancellationToken cancellationToken)
    {
        var started = new List<Task>();
        foreach (MultipathDevice device in Devices)
        {
            if (device.AluaSupported && Options.AccessStatePollInterval > TimeSpan.Zero
                && Time.GetElapsedTime(device.LastAccessStateRefresh) >= Options.AccessStatePollInterval)
            {
                RequestAccessStateRefresh(device); // states can change without a unit attention reaching this host
            }

            foreach (MultipathPath path in device.Paths)
            {
                HbaSession session = path.HbaSession;
                SessionState sessionState = session.State;
                switch (path.State)
                {
                    case PathState.Removed:
                        continue;
                    case PathState.Active:
                        if (sessionState != SessionState.LoggedIn)
                        {
                            FailPath(device, path, "probe: session " + sessionState);
                        }

                        continue;
                }

                if (sessionState is SessionState.Failed or SessionState.Closed)
                {
                    started.Add(Track(_reconnects, session, () => ReconnectAsync(session, cancellationToken)));
                }
                else if (sessionState == SessionState.LoggedIn)
                {
                    started.Add(Track(_probes, path, () => TestPathAsync(device, path, cancellationToken)));
                }
            }
        }

        return started;
    }

    private static Task Track<TKey>(ConcurrentDictionary<TKey, Task> running, TKey key, Func<Task> work) where TKey : notnull
    {
        if (running.TryGetValue(key, out Task? existing))
        {
            return existing;
        }

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!running.TryAdd(key, gate.Task))
        {
            return running.TryGetValue(key, out existing) ? existing : Task.CompletedTask;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            finally
            {
                running.TryRemove(key, out _);
                gate.SetResult();
            }
        });
        return gate.Task;
    }

    private async Task ReconnectAsync(HbaSession session, CancellationToken cancellationToken)
    {
        try
        {
            if (await session.ReconnectAsync(cancellationToken).ConfigureAwait(false))
            {
                Signal(); // test the paths of the new session at once
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Background work: a failure is logged; the next round tries again.
        catch (Exception error)
#pragma warning restore CA1031
        {
            HostLog.BackgroundFailed(Logger, "reconnect of " + session.Id, error);
        }
    }

    private async Task TestPathAsync(MultipathDevice device, MultipathPath path, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.ProbeTimeout);
        ScsiCommandResponse response;
        try
        {
            byte[] cdb = new byte[6];
            CdbBuilder.TestUnitReady(cdb);
            response = await path.HbaSession.Session.ExecuteAsync(new ScsiCommand(path.Lun, cdb), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IscsiSessionException or ObjectDisposedException or OperationCanceledException)
        {
            HostLog.ProbeFailed(Logger, path.Name, "TEST UNIT READY", error.Message);
            return;
        }

        IoVerdict verdict = IoVerdict.Classify(response, pathFailed: false);
        if (verdict.Disposition is IoDisposition.PathFailed || response.Outcome == CommandOutcome.Aborted)
        {
            HostLog.ProbeAnswered(Logger, path.Name, response);
            return;
        }

        if (verdict.AccessState is { } state)
        {
            SetAccessState(device, path, state, path.Preferred, "probe: TEST UNIT READY answered " + response);
        }

        ChangeState(device, path, PathState.Active, "probe: TEST UNIT READY answered " + response);
        RequestAccessStateRefresh(device); // the states may have moved while the path was out
    }
}
