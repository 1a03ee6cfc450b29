namespace StateSave.Iscsi.Protocol;

/// <summary>The Response field of a Task Management Function Response (RFC 7143 §11.6.1).</summary>
public enum TaskManagementResponse : byte
{
    FunctionComplete = 0,
    TaskDoesNotExist = 1,
    LunDoesNotExist = 2,
    TaskStillAllegiant = 3,
    TaskAllegianceReassignmentNotSupported = 4,
    TaskManagementFunctionNotSupported = 5,
    FunctionAuthorizationFailed = 6,
    FunctionRejected = 255,
}
