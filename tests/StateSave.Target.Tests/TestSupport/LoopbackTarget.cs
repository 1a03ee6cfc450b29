using System.Net;
using StateSave.Scsi.Server;
using StateSave.Target.Configuration;

namespace StateSave.Target.Tests.TestSupport;

/// <summary>An <see cref="IscsiTargetServer"/> on 127.0.0.1 with a free port, serving one target.</summary>
internal sealed class LoopbackTarget : IAsyncDisposable
{
    public const string TargetName = "iqn.2026-11.org.statesave:test-target";

    private LoopbackTarget(IscsiTargetServer server) => Server = server;

    public IscsiTargetServer Server { get; }

    public int Port => ((IPEndPoint)Server.LocalEndPoints[0]).Port;

    public string Url(int lun = 0) => $"iscsi://127.0.0.1:{Port}/{TargetName}/{lun}";

    public static async Task<LoopbackTarget> StartAsync(IScsiDeviceServer device, Action<TargetOptionsBuilder>? configure = null, SessionLimits? limits = null)
    {
        var builder = new TargetOptionsBuilder();
        configure?.Invoke(builder);
        var options = new IscsiTargetServerOptions
        {
            Portals = [new PortalOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }],
            Targets = [new TargetOptions
            {
                Name = TargetName, Alias = "test", DeviceServer = device, AllowedInitiators = builder.AllowedInitiators, Chap = builder.Chap,
            }],
            Limits = limits ?? new SessionLimits(),
        };
        var server = new IscsiTargetServer(options, TestLoggerFactory.Instance);
        await server.StartAsync();
        return new LoopbackTarget(server);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    internal sealed class TargetOptionsBuilder
    {
        public IList<string>? AllowedInitiators { get; set; }

        public ChapOptions? Chap { get; set; }
    }
}
