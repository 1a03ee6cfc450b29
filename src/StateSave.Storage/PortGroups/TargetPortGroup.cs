namespace StateSave.Storage.PortGroups;

/// <summary>One target port group as REPORT TARGET PORT GROUPS describes it (SPC-5 §6.38).</summary>
/// <param name="Identifier">TARGET PORT GROUP.</param>
/// <param name="State">ASYMMETRIC ACCESS STATE.</param>
/// <param name="Preferred">PREF: the preferred group for access to the logical unit.</param>
/// <param name="StatusCode">STATUS CODE: 00h none, 01h altered by SET TARGET PORT GROUPS, 02h altered by implicit behavior.</param>
/// <param name="RelativeTargetPortIdentifiers">The target ports in the group.</param>
public sealed record TargetPortGroup(
    ushort Identifier,
    AsymmetricAccessState State,
    bool Preferred,
    byte StatusCode,
    IReadOnlyList<ushort> RelativeTargetPortIdentifiers);
