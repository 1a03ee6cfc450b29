namespace StateSave.Iscsi.Protocol;

/// <summary>The Reason Code of a Logout Request (RFC 7143 §11.14.1).</summary>
public enum LogoutReason : byte
{
    CloseSession = 0,
    CloseConnection = 1,
    RemoveConnectionForRecovery = 2,
}
