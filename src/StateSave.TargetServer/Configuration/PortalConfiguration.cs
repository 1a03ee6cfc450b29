namespace StateSave.TargetServer.Configuration;

/// <summary>A network portal (RFC 7143 §4.4.1) of the configuration file.</summary>
public sealed class PortalConfiguration
{
    /// <summary>"address:port", "[ipv6]:port", or an address alone for port 3260; port 0 picks a free port.</summary>
    public string? EndPoint { get; set; }

    /// <summary>The target portal group tag (1-65535).</summary>
    public int PortalGroupTag { get; set; } = 1;
}
