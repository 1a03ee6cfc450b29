namespace StateSave.Storage.PortGroups;

/// <summary>ASYMMETRIC ACCESS STATE of a target port group (SPC-5 §5.16.2.4, REPORT TARGET PORT GROUPS descriptor).</summary>
public enum AsymmetricAccessState : byte
{
    ActiveOptimized = 0x0,
    ActiveNonOptimized = 0x1,
    Standby = 0x2,
    Unavailable = 0x3,
    Offline = 0xe,
    Transitioning = 0xf,
}
