using StateSave.Host.Hba;
using StateSave.Host.Logging;
using StateSave.Initiator.Commands;
using StateSave.Initiator.Scsi;
using StateSave.Initiator.Sessions;

namespace StateSave.Host.Failover;

/// <summary>Failure detection and failback: the probe loop.</summary>
public sealed partial class FailoverDriver
{
    private async Task ProbeLoopAsync()
    {
        CancellationToken stop = _stopping.Token;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _probeSignal.WaitAsync(Options.ProbeInterval, stop).ConfigureAwait(false);
                await ProbeAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Background work: a failure is logged and the loop goes on.
            catch (Exception error)
#pragma warning restore CA1031
            {
                HostLog.BackgroundFailed(Logger, "path probe", error);
            }
        }
    }

    /// <summary>
    /// One probe round: an active path whose session is not logged in fails; a failed path whose session failed for
    /// good gets a new session (HBA reconnect); a failed path whose session is logged in is tested with TEST UNIT READY
    /// and back in service when the LU answers (GOOD, a unit attention, or an ALUA state: the path works).
    /// </summary>
    public async Task ProbeAsync(CancellationToken cancellationToken = default)
    {
        var reconnected = new HashSet<HbaSession>();
        foreach (MultipathDevice device in Devices)
        {
            bool restored = false;
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
                    if (reconnected.Add(session))
                    {
                        await ReconnectAsync(session, cancellationToken).ConfigureAwait(false);
                    }

                    sessionState = session.State;
                }

                if (sessionState == SessionState.LoggedIn && await TestPathAsync(device, path, cancellationToken).ConfigureAwait(false))
                {
                    restored = true;
                }
            }

            if (restored)
            {
                RequestAccessStateRefresh(device);
            }
        }
    }

    private static async Task ReconnectAsync(HbaSession session, CancellationToken cancellationToken)
    {
        try
        {
            await session.ReconnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> TestPathAsync(MultipathDevice device, MultipathPath path, CancellationToken cancellationToken)
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
        catch (Exception error) when (error is IscsiSessionException or ObjectDisposedException
            or (OperationCanceledException and not TaskCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            HostLog.ProbeFailed(Logger, path.Name, "TEST UNIT READY", error.Message);
            return false;
        }

        IoVerdict verdict = IoVerdict.Classify(response, pathFailed: false);
        if (verdict.Disposition is IoDisposition.PathFailed || (verdict.Disposition == IoDisposition.Retry && response.Outcome == CommandOutcome.Aborted))
        {
            HostLog.ProbeAnswered(Logger, path.Name, response);
            return false;
        }

        if (verdict.AccessState is { } state)
        {
            SetAccessState(device, path, state, path.Preferred, "probe: TEST UNIT READY answered " + response);
        }

        ChangeState(device, path, PathState.Active, "probe: TEST UNIT READY answered " + response);
        return true;
    }
}
