using Microsoft.Extensions.Logging;
using StateSave.Host.Hba;
using StateSave.Host.Logging;
using StateSave.Initiator.Scsi;
using StateSave.Initiator.Sessions;
using StateSave.Scsi;

namespace StateSave.Host.Failover;

/// <summary>Logical unit discovery, path grouping (VPD 83h) and ALUA states (REPORT TARGET PORT GROUPS).</summary>
public sealed partial class FailoverDriver
{
    private const int UnitAttentionRetries = 8;

    /// <summary>
    /// Scans every HBA session not scanned yet: REPORT LUNS, then for each direct-access LU INQUIRY, VPD 83h (identity,
    /// relative target port, target port group) and READ CAPACITY; paths with the same identity join one device. Then
    /// reads the ALUA states of the devices that gained paths. A path that cannot be scanned is logged and skipped.
    /// </summary>
    public async Task<IReadOnlyList<MultipathDevice>> DiscoverAsync(CancellationToken cancellationToken = default)
    {
        var touched = new HashSet<MultipathDevice>();
        foreach (HbaSession session in Hba.Sessions)
        {
            lock (_gate)
            {
                if (!_scanned.Add(session))
                {
                    continue;
                }
            }

            session.StateChanged += OnSessionStateChanged;
            session.AsyncMessageReceived += OnAsyncMessage;
            try
            {
                await ScanAsync(session, touched, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is ScsiCommandException or FormatException or IscsiSessionException)
            {
                // The LUs found so far keep their paths; a later DiscoverAsync (or a new session) scans again.
                HostLog.DiscoveryFailed(Logger, session.Id, error.Message);
                lock (_gate)
                {
                    _scanned.Remove(session);
                }

                session.StateChanged -= OnSessionStateChanged;
                session.AsyncMessageReceived -= OnAsyncMessage;
            }
        }

        foreach (MultipathDevice device in touched)
        {
            await RefreshAccessStatesAsync(device, cancellationToken).ConfigureAwait(false);
            HostLog.DeviceDiscovered(Logger, device.Name, device.Vendor, device.Product, device.Paths.Count);
        }

        return Devices;
    }

    private async Task ScanAsync(HbaSession session, HashSet<MultipathDevice> touched, CancellationToken cancellationToken)
    {
        var target = new ScsiClient(session.Session, LogicalUnitNumber.Zero);
        IReadOnlyList<LogicalUnitNumber> luns = await RetryUnitAttentions(() => target.ReportLunsAsync(cancellationToken: cancellationToken)).ConfigureAwait(false);
        foreach (LogicalUnitNumber lun in luns)
        {
            var client = new ScsiClient(session.Session, lun);
            StandardInquiryData inquiry = await RetryUnitAttentions(() => client.InquiryAsync(cancellationToken)).ConfigureAwait(false);
            if (inquiry.PeripheralQualifier != 0 || inquiry.PeripheralDeviceType != 0)
            {
                continue; // not a connected direct-access block device (e.g. tgt's controller LU)
            }

            IReadOnlyList<Designator> designators = await RetryUnitAttentions(() => client.DeviceIdentificationAsync(cancellationToken)).ConfigureAwait(false);
            LogicalUnitIdentity identity = LogicalUnitIdentity.FromDesignators(designators)
                ?? new LogicalUnitIdentity($"serial.{inquiry.VendorIdentification}.{inquiry.ProductIdentification}."
                    + await RetryUnitAttentions(() => client.UnitSerialNumberAsync(cancellationToken)).ConfigureAwait(false));
            ushort? relativeTargetPort = designators.FirstOrDefault(d => d.RelativeTargetPort is not null)?.RelativeTargetPort;
            ushort? targetPortGroup = designators.FirstOrDefault(d => d.TargetPortGroup is not null)?.TargetPortGroup;
            ReadCapacityData capacity = await RetryUnitAttentions(() => client.ReadCapacity16Async(cancellationToken)).ConfigureAwait(false);
            var path = new MultipathPath(session, lun, relativeTargetPort, targetPortGroup, Time.GetUtcNow());
            MultipathDevice device;
            lock (_gate)
            {
                device = _devices.Find(d => d.Identity == identity) ?? AddDeviceLocked(identity, inquiry, capacity);
                if (device.Paths.Any(p => ReferenceEquals(p.HbaSession, session) && p.Lun == lun))
                {
                    continue; // found by an earlier, interrupted scan
                }

                device.AddPath(path);
            }

            touched.Add(device);
            _history.Add(new PathHistoryEntry(Time.GetUtcNow(), device.Name, path.Name, PathState.Removed, PathState.Active, path.AccessState,
                path.AccessState, "discovered"));
        }
    }

    private MultipathDevice AddDeviceLocked(LogicalUnitIdentity identity, StandardInquiryData inquiry, ReadCapacityData capacity)
    {
        var device = new MultipathDevice(this, "mpath" + _devices.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), identity, inquiry,
            capacity.BlockLength, capacity.BlockCount);
        _devices.Add(device);
        return device;
    }

    /// <summary>Asks for a re-read of the device's ALUA states in the background; requests during a refresh cause one more.</summary>
    internal void RequestAccessStateRefresh(MultipathDevice device)
    {
        if (Interlocked.Increment(ref device.RefreshRequests) != 1 || _stopToken.IsCancellationRequested)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            while (true)
            {
                int seen = Volatile.Read(ref device.RefreshRequests);
                try
                {
                    await RefreshAccessStatesAsync(device, _stopToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    Volatile.Write(ref device.RefreshRequests, 0);
                    return;
                }
#pragma warning disable CA1031 // Background work: a failure is logged, never thrown on the thread pool.
                catch (Exception error)
#pragma warning restore CA1031
                {
                    HostLog.BackgroundFailed(Logger, "ALUA refresh of " + device.Name, error);
                }

                if (Interlocked.Add(ref device.RefreshRequests, -seen) == 0)
                {
                    return;
                }
            }
        });
    }

    /// <summary>
    /// Reads REPORT TARGET PORT GROUPS through the first path that answers and sets every path's access state from the
    /// group of its relative target port (or its VPD 83h target port group). A LU without ALUA (TPGS 0, or RTPG refused)
    /// has every path active/optimized.
    /// </summary>
    public async Task RefreshAccessStatesAsync(MultipathDevice device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        device.LastAccessStateRefresh = Time.GetTimestamp();
        IReadOnlyList<TargetPortGroupDescriptor>? groups = null;
        if (device.AluaSupported)
        {
            foreach (MultipathPath path in device.Paths.OrderBy(p => p.State == PathState.Active ? 0 : 1))
            {
                if (path.State == PathState.Removed || path.HbaSession.State != SessionState.LoggedIn)
                {
                    continue;
                }

                try
                {
                    var client = new ScsiClient(path.HbaSession.Session, path.Lun);
                    groups = await RetryUnitAttentions(() => client.ReportTargetPortGroupsAsync(cancellationToken)).ConfigureAwait(false);
                    break;
                }
                catch (ScsiCommandException error) when (error.Response.Sense?.SenseKey == SenseKey.IllegalRequest)
                {
                    groups = [];
                    break;
                }
                catch (Exception error) when (error is ScsiCommandException or IscsiSessionException or FormatException)
                {
                    HostLog.ProbeFailed(Logger, path.Name, "REPORT TARGET PORT GROUPS", error.Message);
                }
            }

            if (groups is null)
            {
                return; // no path answered: keep what is known
            }
        }

        foreach (MultipathPath path in device.Paths)
        {
            TargetPortGroupDescriptor? group = groups?.FirstOrDefault(g => path.RelativeTargetPort is { } port && g.RelativeTargetPorts.Contains(port))
                ?? groups?.FirstOrDefault(g => g.TargetPortGroup == path.TargetPortGroup);
            if (group is null)
            {
                SetAccessState(device, path, AsymmetricAccessState.ActiveOptimized, false, "no ALUA group for the path");
                continue;
            }

            path.TargetPortGroup = group.TargetPortGroup;
            SetAccessState(device, path, group.State, group.Preferred, "REPORT TARGET PORT GROUPS");
        }

        if (Logger.IsEnabled(LogLevel.Information))
        {
            string states = string.Join(", ", device.Paths.Select(p => $"{p.Name}={p.AccessState}"));
            HostLog.AluaRefreshed(Logger, device.Name, states);
        }
    }

    /// <summary>Runs a typed client call again while it ends in a unit attention (each one reports a different event).</summary>
    private static async Task<T> RetryUnitAttentions<T>(Func<Task<T>> call)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (ScsiCommandException error) when (attempt < UnitAttentionRetries && error.Response.Sense?.SenseKey == SenseKey.UnitAttention)
            {
            }
        }
    }
}
