using System.Net;

namespace StateSave.Target.Configuration;

/// <summary>A network portal (RFC 7143 §4.4.1): an IP address and TCP port, in one target portal group.</summary>
public sealed class PortalOptions
{
    /// <summary>Where to listen (IPv4 or IPv6; port 0 picks a free port, see <see cref="IscsiTargetServer.LocalEndPoints"/>).</summary>
    public required IPEndPoint EndPoint { get; init; }

    /// <summary>The target portal group tag (TPGT) this portal belongs to (RFC 7143 §4.4.1).</summary>
    public ushort PortalGroupTag { get; init; } = 1;
}
