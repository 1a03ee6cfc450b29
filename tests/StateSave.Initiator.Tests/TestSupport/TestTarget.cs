using System.Net;
using StateSave.Initiator;
using StateSave.Initiator.Configuration;
using StateSave.Initiator.Sessions;
using StateSave.Iscsi.Transport;
using StateSave.Scsi;
using StateSave.Storage.BackingStores;
using StateSave.Storage.Devices;
using StateSave.Storage.LogicalUnits;
using StateSave.Target;
using StateSave.Target.Configuration;

namespace StateSave.Initiator.Tests.TestSupport;

/// <summary>
/// This project's own target (<see cref="IscsiTargetServer"/>) serving block LUs on memory stores, on an in-memory
/// network or on 127.0.0.1 with a free port.
/// </summary>
internal sealed class TestTarget : IAsyncDisposable
{
    public const string TargetName = "iqn.2026-11.org.statesave:initiator-test";
    public const int BlockLength = 512;

    private readonly InMemoryTransport? _network;

    private TestTarget(IscsiTargetServer server, ScsiTargetDevice device, MemoryBlockStore store, InMemoryTransport? network, EndPoint portal)
    {
        Unit = (BlockLogicalUnit)(device.TryGetLogicalUnit(LogicalUnitNumber.Zero, out ILogicalUnit unit) ? unit : throw new InvalidOperationException());
        Server = server;
        Device = device;
        Store = store;
        _network = network;
        Portal = portal;
    }

    public IscsiTargetServer Server { get; }

    public ScsiTargetDevice Device { get; }

    public MemoryBlockStore Store { get; }

    public BlockLogicalUnit Unit { get; }

    public EndPoint Portal { get; }

    public static async Task<TestTarget> StartAsync(bool tcp = false, ulong blocks = 65536, ChapOptions? chap = null, SessionLimits? limits = null,
        string? redirectTo = null, bool permanentRedirect = false, IPAddress? address = null, bool inBandStateSave = false)
    {
        var store = new MemoryBlockStore(blocks, BlockLength);
        var device = new ScsiTargetDevice();
        device.AddLogicalUnit(LogicalUnitNumber.Zero, new BlockLogicalUnit(new BlockLogicalUnitOptions { Store = store, NaaIdentifier = (UInt128)0x60014050_00000001 << 64 }));
        device.AddLogicalUnit(LogicalUnitNumber.FromSingleLevel(1), new BlockLogicalUnit(new BlockLogicalUnitOptions { Store = new MemoryBlockStore(2048, 4096), UnitSerialNumber = "LUN1SERIAL" }));
        var options = new IscsiTargetServerOptions
        {
            Portals = tcp ? [new PortalOptions { EndPoint = new IPEndPoint(address ?? IPAddress.Loopback, 0) }] : [],
            Targets = [new TargetOptions
            {
                Name = TargetName, Alias = "initiator-test", DeviceServer = device, Chap = chap, RedirectTo = redirectTo,
                RedirectPermanently = permanentRedirect, InBandStateSave = inBandStateSave,
            }],
            Limits = limits ?? new SessionLimits { NopInInterval = TimeSpan.Zero },
        };
        var server = new IscsiTargetServer(options);
        if (tcp)
        {
            await server.StartAsync();
            return new TestTarget(server, device, store, null, server.LocalEndPoints[0]);
        }

        var network = new InMemoryTransport();
        var endPoint = new InMemoryEndPoint("target");
        server.AddListener(network.Listen(endPoint));
        return new TestTarget(server, device, store, network, endPoint);
    }

    /// <summary>Initiator options that reach this target (its in-memory network when not on TCP).</summary>
    public InitiatorOptions Options(InitiatorOptions? options = null) =>
        (options ?? new InitiatorOptions()) with { Transport = _network };

    public IscsiInitiator Initiator(InitiatorOptions? options = null) => new(Options(options));

    /// <summary>Logs in and takes the power-on unit attention, so tests start from a quiet LU.</summary>
    public async Task<IscsiSession> LoginAsync(InitiatorOptions? options = null)
    {
        IscsiSession session = await Initiator(options).LoginAsync(Portal, TargetName);
        await ClearUnitAttentionsAsync(session);
        return session;
    }

    public static async Task ClearUnitAttentionsAsync(IscsiSession session, int lun = 0)
    {
        var client = new StateSave.Initiator.Scsi.ScsiClient(session, LogicalUnitNumber.FromSingleLevel(lun));
        for (int i = 0; i < 4; i++)
        {
            if ((await client.TestUnitReadyAsync()).IsGood)
            {
                return;
            }
        }
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
