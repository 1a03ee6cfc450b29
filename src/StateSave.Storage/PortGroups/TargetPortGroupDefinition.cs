namespace StateSave.Storage.PortGroups;

/// <summary>
/// One target port group of a logical unit as configured (SPC-5 §5.16.2.2): its identifier, its asymmetric access
/// state at start, and the target ports in it by RELATIVE TARGET PORT IDENTIFIER (for iSCSI, the portal group tag).
/// </summary>
/// <param name="Identifier">TARGET PORT GROUP (1-65535).</param>
/// <param name="State">The access state at start.</param>
/// <param name="RelativeTargetPortIdentifiers">The target ports of the group.</param>
/// <param name="Preferred">PREF: the preferred group for this logical unit.</param>
public sealed record TargetPortGroupDefinition(
    ushort Identifier,
    AsymmetricAccessState State,
    IReadOnlyList<ushort> RelativeTargetPortIdentifiers,
    bool Preferred = false);
