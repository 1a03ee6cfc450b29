using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StateSave.Host.Applications;
using StateSave.Host.Failover;
using StateSave.Host.Hba;
using StateSave.Iscsi.Transport;

namespace StateSave.Host.Hosts;

/// <summary>
/// Builds an <see cref="EmulatedHost"/>: ports, the paths to log in, failover settings and applications.
/// <code>
/// var host = new HostBuilder("host1")
///     .AddPort("port0", "iqn.2026-11.org.example:host1-a")
///     .AddPort("port1", "iqn.2026-11.org.example:host1-b")
///     .ConnectTo("port0", portalA, targetName)
///     .ConnectTo("port1", portalB, targetName)
///     .AddVerifyingWorkload(new VerifyingWorkloadOptions { QueueDepth = 8 })
///     .Build();
/// </code>
/// </summary>
public sealed class HostBuilder
{
    private readonly string _name;
    private readonly List<InitiatorPortOptions> _ports = [];
    private readonly List<PathBinding> _paths = [];
    private readonly List<Func<EmulatedHost, IHostApplication>> _applications = [];
    private FailoverOptions _failover = new();
    private IIscsiTransportConnector? _transport;
    private ILoggerFactory _loggerFactory = NullLoggerFactory.Instance;
    private int _eventCapacity = 512;

    public HostBuilder(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _name = name;
    }

    public HostBuilder AddPort(InitiatorPortOptions port)
    {
        ArgumentNullException.ThrowIfNull(port);
        _ports.Add(port);
        return this;
    }

    /// <summary>Adds a port; its ISID qualifier is 16 × its index + 1 so that the ports' sessions never share an ISID.</summary>
    public HostBuilder AddPort(string name, string initiatorName, Func<InitiatorPortOptions, InitiatorPortOptions>? configure = null)
    {
        var port = new InitiatorPortOptions { Name = name, InitiatorName = initiatorName, IsidQualifier = (ushort)((16 * _ports.Count) + 1) };
        return AddPort(configure is null ? port : configure(port));
    }

    public HostBuilder ConnectTo(string port, EndPoint portal, string? targetName = null)
    {
        _paths.Add(new PathBinding(port, portal, targetName));
        return this;
    }

    public HostBuilder WithFailover(FailoverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _failover = options;
        return this;
    }

    public HostBuilder WithTransport(IIscsiTransportConnector transport)
    {
        _transport = transport;
        return this;
    }

    public HostBuilder WithLoggerFactory(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _loggerFactory = loggerFactory;
        return this;
    }

    public HostBuilder WithEventCapacity(int capacity)
    {
        _eventCapacity = capacity;
        return this;
    }

    public HostBuilder AddApplication(Func<EmulatedHost, IHostApplication> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _applications.Add(factory);
        return this;
    }

    /// <summary>A verifying workload on the device named <paramref name="device"/> ("mpath0" or an identity), or on the first device.</summary>
    public HostBuilder AddVerifyingWorkload(VerifyingWorkloadOptions options, string? device = null) =>
        AddApplication(host =>
        {
            IReadOnlyList<MultipathDevice> devices = host.Devices;
            MultipathDevice target = (device is null ? (devices.Count > 0 ? devices[0] : null) : host.Failover.FindDevice(device))
                ?? throw new InvalidOperationException($"Host {host.Name} has no multipath device {device ?? "at all"}.");
            return new VerifyingWorkload(target, options, host.Failover.Options.TimeProvider, _loggerFactory);
        });

    public EmulatedHost Build() => new(new EmulatedHostOptions
    {
        Name = _name,
        Hba = new HbaDriverOptions { Ports = [.. _ports], Transport = _transport, LoggerFactory = _loggerFactory, EventCapacity = _eventCapacity },
        Failover = _failover.LoggerFactory == NullLoggerFactory.Instance ? _failover with { LoggerFactory = _loggerFactory } : _failover,
        Paths = [.. _paths],
        Applications = [.. _applications],
    });
}
