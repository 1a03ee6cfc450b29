namespace StateSave.Iscsi.Protocol;

/// <summary>The Function field of a Task Management Function Request (RFC 7143 §11.5.1).</summary>
public enum TaskManagementFunction : byte
{
    AbortTask = 1,
    AbortTaskSet = 2,
    ClearAca = 3,
    ClearTaskSet = 4,
    LogicalUnitReset = 5,
    TargetWarmReset = 6,
    TargetColdReset = 7,
    TaskReassign = 8,
}
