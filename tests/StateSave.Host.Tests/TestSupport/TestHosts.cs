using System.Net;
using StateSave.Host.Failover;
using StateSave.Host.Hba;
using StateSave.Host.Hosts;
using StateSave.Initiator.Configuration;

namespace StateSave.Host.Tests.TestSupport;

/// <summary>Hosts with two ports, one path each (port0 → portal A, port1 → portal B), quick failure detection and probing.</summary>
internal static class TestHosts
{
    public static readonly FailoverOptions QuickFailover = new()
    {
        ProbeInterval = TimeSpan.FromMilliseconds(200),
        RetryDelay = TimeSpan.FromMilliseconds(20),
        ProbeTimeout = TimeSpan.FromSeconds(2),
        NoPathTimeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>
    /// Keepalive and command timeouts short enough to find a silently hung path in a couple of seconds, long enough
    /// that a busy CI machine does not declare healthy paths dead (and if it did, the host would only fail over).
    /// </summary>
    public static InitiatorPortOptions QuickDetection(InitiatorPortOptions port) => port with
    {
        QueueDepth = 16,
        NopInterval = TimeSpan.FromMilliseconds(500),
        NopTimeout = TimeSpan.FromMilliseconds(1500),
        CommandTimeout = TimeSpan.FromSeconds(3),
        LoginTimeout = TimeSpan.FromSeconds(2),
        Recovery = new RecoveryOptions { MaxAttempts = 1000, InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(300) },
    };

    public static HostBuilder TwoPaths(string name, EndPoint portalA, EndPoint portalB, string targetName, FailoverOptions? failover = null) =>
        new HostBuilder(name)
            .AddPort("port0", $"iqn.2026-11.org.statesave:{name}-port0", QuickDetection)
            .AddPort("port1", $"iqn.2026-11.org.statesave:{name}-port1", QuickDetection)
            .ConnectTo("port0", portalA, targetName)
            .ConnectTo("port1", portalB, targetName)
            .WithFailover(failover ?? QuickFailover);

    public static MultipathPath PathThrough(MultipathDevice device, EndPoint portal) =>
        device.Paths.Single(p => p.HbaSession.Portal.Equals(portal));
}
