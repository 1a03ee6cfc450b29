using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StateSave.Scsi;
using StateSave.Storage.BackingStores;
using StateSave.Storage.Devices;
using StateSave.Storage.LogicalUnits;
using StateSave.Storage.PortGroups;
using StateSave.StorageSystem.Collection;
using StateSave.StorageSystem.Controllers;
using StateSave.StorageSystem.Drives;
using StateSave.StorageSystem.Packages;
using StateSave.Target;
using StateSave.Target.Configuration;
using StateSave.Target.InBand;

namespace StateSave.StorageSystem.Systems;

/// <summary>
/// An emulated storage system (issue 5): one or two controllers, each with its portals and ALUA target port group
/// (the first controller's group active/optimized, the others active/non-optimized); a pool of drives carrying memory
/// logical units; a fault API; and the in-band state-save collection that every fault starts.
/// </summary>
public sealed class EmulatedStorageSystem : IControllerStateSource, IStockHostHistory, IAsyncDisposable
{
    private readonly StorageSystemOptions _options;
    private readonly ILogger _logger;
    private readonly ScsiTargetDevice _device;
    private readonly List<(LogicalUnitDefinition Definition, BlockLogicalUnit Unit)> _units = [];
    private readonly StateSaveCollector _collector;
    private const int MaximumPushedEntries = 4096;
    private readonly List<(DateTimeOffset Time, string InitiatorName, byte[] Entry)> _pushed = [];
    private long _nextFailureId;

    public EmulatedStorageSystem(StorageSystemOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Controllers.Count is < 1 or > 2)
        {
            throw new ArgumentException("A storage system has one or two controllers.", nameof(options));
        }

        _options = options;
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<EmulatedStorageSystem>();

        var portals = new List<PortalOptions>();
        var controllers = new List<StorageController>();
        ushort tag = 1;
        for (int c = 0; c < options.Controllers.Count; c++)
        {
            ControllerDefinition definition = options.Controllers[c];
            var tags = new List<ushort>();
            foreach (IPEndPoint endPoint in definition.Portals)
            {
                portals.Add(new PortalOptions { EndPoint = endPoint, PortalGroupTag = tag });
                tags.Add(tag++);
            }

            controllers.Add(new StorageController(definition.Name, (ushort)(c + 1), tags));
        }

        Controllers = controllers;
        Drives = [.. Enumerable.Range(0, options.Drives).Select(i => new Drive(i, string.Create(CultureInfo.InvariantCulture, $"SSDRV{i:D4}"), 1L << 40))];

        TargetPortGroupDefinition[] groups =
            [.. controllers.Select((c, i) => new TargetPortGroupDefinition(c.TargetPortGroup,
                i == 0 ? AsymmetricAccessState.ActiveOptimized : AsymmetricAccessState.ActiveNonOptimized, c.PortalGroupTags, Preferred: i == 0))];
        _device = new ScsiTargetDevice(loggerFactory.CreateLogger<ScsiTargetDevice>());
        foreach (LogicalUnitDefinition lu in options.LogicalUnits)
        {
            BlockLogicalUnit? created = null;
            var unit = new BlockLogicalUnit(new BlockLogicalUnitOptions
            {
                Store = new MemoryBlockStore((ulong)(lu.SizeBytes / 512)),
                ThinProvisioning = true,
                ProductIdentification = "STATESAVE LU",
                UnitSerialNumber = string.Create(CultureInfo.InvariantCulture, $"SSLU{lu.Lun:D4}"),
                TargetPortGroups = groups,
                // A host creating an error history snapshot (READ BUFFER mode 1Ch, BUFFER ID 01h-03h) gets the controller's state.
                ErrorHistorySource = new ControllerErrorHistorySource(ControllerState, () => created!.ErrorHistory.Log),
            }, loggerFactory.CreateLogger<BlockLogicalUnit>());
            created = unit;
            unit.ErrorHistory.ApplicationClientEntryWritten += (nexus, entry) =>
            {
                lock (_pushed)
                {
                    _pushed.Add((DateTimeOffset.UtcNow, nexus.InitiatorName, entry));
                    if (_pushed.Count > MaximumPushedEntries)
                    {
                        _pushed.RemoveAt(0);
                    }
                }
            };
            _device.AddLogicalUnit(LogicalUnitNumber.FromSingleLevel(lu.Lun), unit);
            _units.Add((lu, unit));
        }

        _device.RegisterVendorCommand(CollectNowCommand.OperationCode, new CollectNowCommand(this));

        Server = new IscsiTargetServer(new IscsiTargetServerOptions
        {
            Portals = portals,
            Limits = options.Limits,
            Targets =
            [
                new TargetOptions
                {
                    Name = options.TargetName, Alias = "StateSave storage system", DeviceServer = _device,
                    AllowedInitiators = options.AllowedInitiators, Chap = options.Chap, InBandStateSave = true,
                },
            ],
        }, loggerFactory);
        _collector = new StateSaveCollector(Server, options.TargetName, options.Collection, loggerFactory.CreateLogger<StateSaveCollector>(), this);
    }

    public IscsiTargetServer Server { get; }

    public string TargetName => _options.TargetName;

    public IReadOnlyList<StorageController> Controllers { get; }

    public IReadOnlyList<Drive> Drives { get; }

    /// <summary>The bound portals: (controller, portal group tag, endpoint). Valid after <see cref="StartAsync"/>.</summary>
    public IReadOnlyList<(StorageController Controller, ushort PortalGroupTag, EndPoint EndPoint)> Portals { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await Server.StartAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<EndPoint> bound = Server.LocalEndPoints;
        var portals = new List<(StorageController, ushort, EndPoint)>();
        int index = 0;
        foreach (StorageController controller in Controllers)
        {
            foreach (ushort tag in controller.PortalGroupTags)
            {
                portals.Add((controller, tag, bound[index++]));
            }
        }

        Portals = portals;
        foreach (StorageController controller in Controllers)
        {
            controller.EventLog.Add($"{controller} online, portals {string.Join(", ", Portals.Where(p => p.Controller == controller).Select(p => p.EndPoint))}");
        }
    }

    /// <summary>Fails a drive: recorded by every controller, the pool carries on, and a collection runs for the failure.</summary>
    public Task<CollectionResult> FailDriveAsync(int slot, string reason, IProgress<string>? progress = null, CancellationToken cancellationToken = default) =>
        DriveFaultAsync(slot, DriveState.Failed, reason, progress, cancellationToken);

    /// <summary>Degrades a drive (predictive failure): recorded, and a collection runs for it.</summary>
    public Task<CollectionResult> DegradeDriveAsync(int slot, string reason, IProgress<string>? progress = null, CancellationToken cancellationToken = default) =>
        DriveFaultAsync(slot, DriveState.Degraded, reason, progress, cancellationToken);

    /// <summary>Fails (or restores) one controller port: its sessions end and its portal refuses connections.</summary>
    public void SetControllerPortFailed(ushort portalGroupTag, bool failed)
    {
        Server.SetPortalGroupEnabled(portalGroupTag, !failed);
        StorageController owner = Controllers.Single(c => c.PortalGroupTags.Contains(portalGroupTag));
        owner.EventLog.Add(failed ? $"port (portal group {portalGroupTag}) failed" : $"port (portal group {portalGroupTag}) restored");
    }

    /// <summary>Runs a collection for a failure reported from outside (e.g. a host asking for one).</summary>
    public Task<CollectionResult> CollectAsync(string component, string reason, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var failure = new FailureReport(NextFailureId(), DateTimeOffset.UtcNow, component, reason);
        return _collector.CollectAsync(failure, this, Traced(failure, progress), cancellationToken);
    }

    /// <summary>The collection a host asked for with the vendor COLLECT NOW command, while it runs (null before).</summary>
    public Task<CollectionResult>? LastRequestedCollection { get; private set; }

    /// <summary>Starts a collection for a host's request (the vendor COLLECT NOW command); returns its failure ID at once.</summary>
    internal ulong StartRequestedCollection(string initiatorName)
    {
        var failure = new FailureReport(NextFailureId(), DateTimeOffset.UtcNow, "host " + initiatorName, "state save requested by the host");
        foreach (StorageController controller in Controllers)
        {
            controller.EventLog.Add($"collection {failure.Id:x16} requested by {initiatorName}");
        }

        LastRequestedCollection = Task.Run(() => _collector.CollectAsync(failure, this, Traced(failure, null)));
        return failure.Id;
    }

    IReadOnlyList<byte[]> IStockHostHistory.EntriesOf(string initiatorName, DateTimeOffset since)
    {
        lock (_pushed)
        {
            return [.. _pushed.Where(p => p.InitiatorName == initiatorName && p.Time >= since).Select(p => p.Entry)];
        }
    }

    async ValueTask<IReadOnlyList<PackageEntry>> IControllerStateSource.SaveStateAsync(FailureReport failure, StateSavePackageWriter package, CancellationToken cancellationToken)
    {
        foreach (StorageController controller in Controllers)
        {
            controller.EventLog.Add($"state saved for failure {failure.Id:x16} ({failure.Component})");
        }

        byte[] json = JsonSerializer.SerializeToUtf8Bytes(ControllerState(), StateJson);
        PackageEntry entry = await package.AddEntryAsync("controller/state.json", json, cancellationToken).ConfigureAwait(false);
        return [entry];
    }

    /// <summary>The controllers' state as one document: event logs, traces, drives, logical units and their ALUA groups, sessions.</summary>
    private object ControllerState()
    {
        return new
        {
            time = DateTimeOffset.UtcNow,
            target = TargetName,
            controllers = Controllers.Select(c => new
            {
                name = c.Name,
                targetPortGroup = c.TargetPortGroup,
                portalGroupTags = c.PortalGroupTags,
                eventLog = c.EventLog.Snapshot(),
                trace = c.Trace.Snapshot(),
            }),
            drives = Drives.Select(d => new { slot = d.Slot, serial = d.SerialNumber, state = d.State.ToString(), mediaErrors = d.MediaErrors }),
            logicalUnits = _units.Select(u => new
            {
                lun = u.Definition.Lun,
                bytes = u.Definition.SizeBytes,
                groups = u.Unit.PortGroups.Groups.Select(g => new { id = g.Identifier, state = g.State.ToString(), ports = g.RelativeTargetPortIdentifiers }),
            }),
            sessions = Server.GetSessions(TargetName).Select(s => new
            {
                initiator = s.InitiatorName, isid = s.Isid, tsih = s.Tsih, portalGroupTag = s.PortalGroupTag,
                remote = s.RemoteEndPoint?.ToString(), inBandStateSave = s.InBandStateSave, statistics = s.Statistics,
            }),
        };
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private static readonly JsonSerializerOptions StateJson = new() { WriteIndented = true };

    private Task<CollectionResult> DriveFaultAsync(int slot, DriveState state, string reason, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        Drive drive = Drives[slot];
        drive.SetState(state, mediaErrors: state == DriveState.Failed ? 1 : 0);
        foreach (StorageController controller in Controllers)
        {
            controller.EventLog.Add($"{drive} {state}: {reason}");
        }

        var failure = new FailureReport(NextFailureId(), DateTimeOffset.UtcNow, drive.ToString(), reason);
        return _collector.CollectAsync(failure, this, Traced(failure, progress), cancellationToken);
    }

    /// <summary>Every step of a collection goes to the controllers' trace rings (and on to <paramref name="progress"/>), in order.</summary>
    private TracedProgress Traced(FailureReport failure, IProgress<string>? progress) => new(Controllers, failure.Id, progress);

    private sealed class TracedProgress(IReadOnlyList<StorageController> controllers, ulong failureId, IProgress<string>? next) : IProgress<string>
    {
        public void Report(string value)
        {
            foreach (StorageController controller in controllers)
            {
                controller.Trace.Add($"collection {failureId:x16}: {value}");
            }

            next?.Report(value);
        }
    }

    private ulong NextFailureId() =>
        ((ulong)DateTimeOffset.UtcNow.ToUnixTimeSeconds() << 16) | (ulong)(Interlocked.Increment(ref _nextFailureId) & 0xffff);
}
