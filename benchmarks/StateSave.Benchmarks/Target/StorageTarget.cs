using Microsoft.Extensions.Logging;
using StateSave.Iscsi.Transport;
using StateSave.Scsi;
using StateSave.Storage.BackingStores;
using StateSave.Storage.Devices;
using StateSave.Storage.LogicalUnits;
using StateSave.Target;
using StateSave.Target.Configuration;

namespace StateSave.Benchmarks.Target;

/// <summary>
/// The target path under test, assembled as the target server assembles it: an <see cref="IscsiTargetServer"/> whose
/// one target has a <see cref="ScsiTargetDevice"/> with LUN 0, a <see cref="BlockLogicalUnit"/> over a
/// <see cref="MemoryBlockStore"/>, listening on an <see cref="InMemoryTransport"/> or on bare pipes. No logging.
/// </summary>
internal sealed class StorageTarget : IAsyncDisposable
{
    public const string TargetName = "iqn.2026-11.org.statesave:bench-target";
    public const int BlockLength = 512;

    private static readonly InMemoryEndPoint s_endPoint = new("bench-target");
    private readonly InMemoryTransport _network = new();
    private readonly PipeListener _pipes = new();
    private readonly TargetTransport _transport;
    private readonly IscsiTargetServer _server;

    /// <param name="transport">How clients connect.</param>
    /// <param name="blockCount">Capacity of LUN 0.</param>
    /// <param name="contents">Written at LBA 0 before the server starts, so that reads copy real data.</param>
    /// <param name="loggerFactory">Where the target logs (default: nowhere, as in a benchmark).</param>
    public StorageTarget(TargetTransport transport, ulong blockCount, ReadOnlyMemory<byte> contents, ILoggerFactory? loggerFactory = null)
    {
        _transport = transport;
        var store = new MemoryBlockStore(blockCount, BlockLength);
        store.WriteAsync(0, contents, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var device = new ScsiTargetDevice();
        device.AddLogicalUnit(LogicalUnitNumber.Zero, new BlockLogicalUnit(new BlockLogicalUnitOptions { Store = store }));
        _server = new IscsiTargetServer(new IscsiTargetServerOptions
        {
            Targets = [new TargetOptions { Name = TargetName, DeviceServer = device }],
            // No NOP-In pings: the client expects nothing but the answers to its commands.
            Limits = new SessionLimits { NopInInterval = TimeSpan.Zero },
        }, loggerFactory);
        _server.AddListener(transport == TargetTransport.InMemory ? _network.Listen(s_endPoint) : _pipes);
    }

    /// <summary>A new connection to the target (not logged in).</summary>
    public IIscsiTransportConnection Connect() =>
        _transport == TargetTransport.InMemory
            ? _network.ConnectAsync(s_endPoint).AsTask().GetAwaiter().GetResult() // completes at once: it only queues the server end
            : _pipes.Connect();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
