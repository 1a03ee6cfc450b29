namespace StateSave.StorageSystem.Controllers;

/// <summary>
/// A storage controller: its iSCSI portals (one portal group each, whose tags are the relative target port
/// identifiers), its ALUA target port group, an event log and a trace ring — what its state save holds.
/// </summary>
public sealed class StorageController(string name, ushort targetPortGroup, IReadOnlyList<ushort> portalGroupTags)
{
    public string Name { get; } = name;

    /// <summary>The ALUA target port group of this controller's ports.</summary>
    public ushort TargetPortGroup { get; } = targetPortGroup;

    /// <summary>The iSCSI portal group tags (= relative target port identifiers) of this controller's portals.</summary>
    public IReadOnlyList<ushort> PortalGroupTags { get; } = portalGroupTags;

    /// <summary>Notable events (faults, state changes), bounded.</summary>
    public BoundedLog EventLog { get; } = new(1024);

    /// <summary>Fine-grained trace lines, bounded.</summary>
    public BoundedLog Trace { get; } = new(4096);

    public override string ToString() => $"controller {Name}";
}
