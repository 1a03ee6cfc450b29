using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StateSave.Scsi.Server;
using StateSave.Target;
using StateSave.Target.Configuration;
using StateSave.TargetServer.Configuration;
using StateSave.TargetServer.Logging;

namespace StateSave.TargetServer;

/// <summary>
/// A validated <see cref="ServerConfiguration"/> served: one <see cref="IscsiTargetServer"/> with a SCSI target
/// device per configured target. Disposing stops the server and then closes the backing stores.
/// </summary>
public sealed class TargetServerHost : IAsyncDisposable
{
    private readonly ServerConfiguration _configuration;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly List<IDisposable> _resources = [];
    private IscsiTargetServer? _server;

    public TargetServerHost(ServerConfiguration configuration, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ConfigurationValidator.ThrowIfInvalid(configuration);
        _configuration = configuration;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<TargetServerHost>();
    }

    /// <summary>Each portal's group tag and bound end point (the actual port when configured as 0), once started.</summary>
    public IReadOnlyList<(ushort PortalGroupTag, IPEndPoint EndPoint)> Portals { get; private set; } = [];

    /// <summary>Creates the devices and binds every portal.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_server is not null)
        {
            throw new InvalidOperationException("The host is already started.");
        }

        var targets = new List<TargetOptions>();
        foreach (TargetConfiguration target in _configuration.Targets)
        {
            (IScsiDeviceServer device, IReadOnlyList<IDisposable> resources) = DeviceServerFactory.Create(target, _loggerFactory);
            _resources.AddRange(resources);
            targets.Add(new TargetOptions
            {
                Name = target.Name!,
                Alias = target.Alias,
                DeviceServer = device,
                PortalGroupTags = target.PortalGroupTags?.Select(t => (ushort)t).ToList(),
                AllowedInitiators = target.AllowedInitiators,
                Chap = target.Chap is { } chap
                    ? new ChapOptions { Username = chap.Username!, Secret = chap.Secret!, MutualUsername = chap.MutualUsername, MutualSecret = chap.MutualSecret }
                    : null,
            });
            LogTarget(target);
        }

        List<PortalOptions> portals = [.. _configuration.Portals.Select(p => new PortalOptions
        {
            EndPoint = EndPointSyntax.TryParse(p.EndPoint, out IPEndPoint? endPoint, out _) ? endPoint : throw new InvalidOperationException("validated"),
            PortalGroupTag = (ushort)p.PortalGroupTag,
        })];
        _server = new IscsiTargetServer(new IscsiTargetServerOptions { Portals = portals, Targets = targets }, _loggerFactory);
        await _server.StartAsync(cancellationToken).ConfigureAwait(false);
        Portals = [.. _server.LocalEndPoints.Select((e, i) => (portals[i].PortalGroupTag, (IPEndPoint)e))];
        ServerLog.ServerStarted(_logger, targets.Count, portals.Count);
    }

    /// <summary>Writes "&lt;tag&gt; &lt;address:port&gt;" per portal to <paramref name="path"/>, atomically (scripts wait for the file).</summary>
    public void WriteReadyFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string temporary = path + ".tmp";
        File.WriteAllLines(temporary, Portals.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.PortalGroupTag} {EndPointSyntax.Format(p.EndPoint)}")));
        File.Move(temporary, path, overwrite: true);
        ServerLog.ReadyFileWritten(_logger, path);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
            _server = null;
        }

        foreach (IDisposable resource in _resources)
        {
            resource.Dispose();
        }

        _resources.Clear();
        ServerLog.ServerStopped(_logger);
    }

    private void LogTarget(TargetConfiguration target)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            string chap = target.Chap is null ? "off" : target.Chap.MutualUsername is null ? "on" : "mutual";
            string initiators = target.AllowedInitiators is null ? "any" : string.Join(", ", target.AllowedInitiators);
            string luns = string.Join(", ", target.Luns.Select(l => l.Lun));
            ServerLog.TargetServed(_logger, target.Name!, luns, chap, initiators);
        }
    }
}
