namespace StateSave.TargetServer.Configuration;

/// <summary>One iSCSI target node of the configuration file and its logical units.</summary>
public sealed class TargetConfiguration
{
    /// <summary>The iSCSI name (iqn., eui. or naa.).</summary>
    public string? Name { get; set; }

    /// <summary>A TargetAlias, or null.</summary>
    public string? Alias { get; set; }

    /// <summary>The portal groups the target is reachable through; null for all.</summary>
    public IList<int>? PortalGroupTags { get; set; }

    /// <summary>The initiator names allowed to log in; null allows any.</summary>
    public IList<string>? AllowedInitiators { get; set; }

    /// <summary>CHAP credentials; null for no authentication.</summary>
    public ChapConfiguration? Chap { get; set; }

    /// <summary>The logical units; at least one.</summary>
    public IList<LunConfiguration> Luns { get; set; } = [];
}
