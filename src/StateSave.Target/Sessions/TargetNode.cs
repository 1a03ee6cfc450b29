using StateSave.Target.Configuration;

namespace StateSave.Target.Sessions;

/// <summary>A configured target at run time: its options and the portal groups it is reachable through.</summary>
internal sealed class TargetNode(TargetOptions options)
{
    public TargetOptions Options { get; } = options;

    public string Name => Options.Name;

    public bool IsReachableThrough(ushort portalGroupTag) =>
        Options.PortalGroupTags is not { } tags || tags.Contains(portalGroupTag);

    public bool Allows(string initiatorName) =>
        Options.AllowedInitiators is not { } allowed || allowed.Contains(initiatorName, StringComparer.Ordinal);
}
