using System.Net;
using StateSave.Scsi;
using StateSave.Storage.BackingStores;
using StateSave.Storage.Devices;
using StateSave.Storage.LogicalUnits;
using StateSave.Storage.PortGroups;
using StateSave.Target;
using StateSave.Target.Configuration;

namespace StateSave.Host.Tests.TestSupport;

/// <summary>
/// This project's target on 127.0.0.1 with two portals (portal groups 1 and 2, hence relative target ports 1 and 2)
/// to one target node with one or two block LUs on memory stores. With <c>alua</c> the LUs report TPGS and their port
/// groups: group 1 (port 1) active/optimized and preferred, group 2 (port 2) active/non-optimized.
/// </summary>
internal sealed class DualPortalTarget : IAsyncDisposable
{
    public const string TargetName = "iqn.2026-11.org.statesave:host-test";
    public const int BlockLength = 512;

    private DualPortalTarget(IscsiTargetServer server, IReadOnlyList<BlockLogicalUnit> units, IReadOnlyList<MemoryBlockStore> stores)
    {
        Server = server;
        Units = units;
        Stores = stores;
        PortalA = server.LocalEndPoints[0];
        PortalB = server.LocalEndPoints[1];
    }

    public IscsiTargetServer Server { get; }

    public IReadOnlyList<BlockLogicalUnit> Units { get; }

    public IReadOnlyList<MemoryBlockStore> Stores { get; }

    public EndPoint PortalA { get; }

    public EndPoint PortalB { get; }

    public static async Task<DualPortalTarget> StartAsync(int logicalUnits = 1, bool alua = false, ulong blocks = 32768)
    {
        var device = new ScsiTargetDevice();
        var units = new List<BlockLogicalUnit>();
        var stores = new List<MemoryBlockStore>();
        for (int i = 0; i < logicalUnits; i++)
        {
            var store = new MemoryBlockStore(blocks, BlockLength);
            var unit = new BlockLogicalUnit(new BlockLogicalUnitOptions
            {
                Store = store,
                NaaIdentifier = ((UInt128)0x60014050_00000100 << 64) | (UInt128)(uint)(i + 1),
                UnitSerialNumber = $"HOSTTEST{i:D4}",
                TargetPortGroupSupport = alua ? (byte)0x1 : (byte)0,
            });
            if (alua)
            {
                unit.PortGroups.AddGroup(1, AsymmetricAccessState.ActiveOptimized, [1], preferred: true);
                unit.PortGroups.AddGroup(2, AsymmetricAccessState.ActiveNonOptimized, [2]);
            }

            device.AddLogicalUnit(LogicalUnitNumber.FromSingleLevel(i), unit);
            units.Add(unit);
            stores.Add(store);
        }

        var server = new IscsiTargetServer(new IscsiTargetServerOptions
        {
            Portals =
            [
                new PortalOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0), PortalGroupTag = 1 },
                new PortalOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0), PortalGroupTag = 2 },
            ],
            Targets = [new TargetOptions { Name = TargetName, Alias = "host-test", DeviceServer = device }],
            Limits = new SessionLimits { NopInInterval = TimeSpan.Zero },
        });
        await server.StartAsync();
        return new DualPortalTarget(server, units, stores);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
