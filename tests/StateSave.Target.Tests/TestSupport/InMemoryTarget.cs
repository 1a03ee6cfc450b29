using StateSave.Iscsi.Transport;
using StateSave.Scsi.Server;
using StateSave.Target.Configuration;

namespace StateSave.Target.Tests.TestSupport;

/// <summary>An <see cref="IscsiTargetServer"/> on an in-memory network, for scripted protocol tests.</summary>
internal sealed class InMemoryTarget : IAsyncDisposable
{
    public const string TargetName = "iqn.2026-11.org.statesave:mem-target";
    private const string EndPointName = "target";

    private readonly InMemoryTransport _network = new();

    private InMemoryTarget(IscsiTargetServer server) => Server = server;

    public IscsiTargetServer Server { get; }

    public static InMemoryTarget Start(IScsiDeviceServer device, ChapOptions? chap = null, IList<string>? allowed = null,
        SessionLimits? limits = null, string? redirectTo = null, bool inBandStateSave = false)
    {
        var options = new IscsiTargetServerOptions
        {
            Targets =
            [
                new TargetOptions
                {
                    Name = TargetName, DeviceServer = device, Chap = chap, AllowedInitiators = allowed, RedirectTo = redirectTo,
                    InBandStateSave = inBandStateSave,
                },
            ],
            Limits = limits ?? new SessionLimits { NopInInterval = TimeSpan.Zero },
        };
        var server = new IscsiTargetServer(options, TestLoggerFactory.Instance);
        var target = new InMemoryTarget(server);
        server.AddListener(target._network.Listen(new InMemoryEndPoint(EndPointName)));
        return target;
    }

    public Task<TestInitiator> ConnectAsync() => TestInitiator.ConnectAsync(_network, EndPointName);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
