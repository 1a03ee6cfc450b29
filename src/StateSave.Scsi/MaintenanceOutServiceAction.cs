namespace StateSave.Scsi;

/// <summary>
/// SERVICE ACTION field (byte 1, bits 4-0) of MAINTENANCE OUT, operation code A4h (SPC-5 service action code assignments).
/// </summary>
public enum MaintenanceOutServiceAction : byte
{
    SetIdentifyingInformation = 0x06,
    /// <summary>SET TARGET PORT GROUPS (SPC-5).</summary>
    SetTargetPortGroups = 0x0a,
    ChangeAliases = 0x0b,
    RemoveITNexus = 0x0c,
    SetPriority = 0x0e,
    SetTimestamp = 0x0f,
    ManagementProtocolOut = 0x10,
}
