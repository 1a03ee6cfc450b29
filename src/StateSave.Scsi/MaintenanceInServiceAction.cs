namespace StateSave.Scsi;

/// <summary>
/// SERVICE ACTION field (byte 1, bits 4-0) of MAINTENANCE IN, operation code A3h (SPC-5 service action code assignments).
/// </summary>
public enum MaintenanceInServiceAction : byte
{
    ReportIdentifyingInformation = 0x05,
    /// <summary>REPORT TARGET PORT GROUPS (SPC-5).</summary>
    ReportTargetPortGroups = 0x0a,
    ReportAliases = 0x0b,
    /// <summary>REPORT SUPPORTED OPERATION CODES (SPC-5).</summary>
    ReportSupportedOperationCodes = 0x0c,
    /// <summary>REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS (SPC-5).</summary>
    ReportSupportedTaskManagementFunctions = 0x0d,
    ReportPriority = 0x0e,
    ReportTimestamp = 0x0f,
    ManagementProtocolIn = 0x10,
}
