namespace StateSave.TargetServer.Configuration;

/// <summary>The target server's JSON configuration file: where it listens and what it serves.</summary>
public sealed class ServerConfiguration
{
    /// <summary>The network portals; at least one (the command line's <c>--portal</c> replaces them).</summary>
    public IList<PortalConfiguration> Portals { get; set; } = [];

    /// <summary>The iSCSI targets; at least one.</summary>
    public IList<TargetConfiguration> Targets { get; set; } = [];
}
