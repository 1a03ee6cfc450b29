namespace StateSave.Iscsi.Protocol;

/// <summary>The Response field of a Logout Response (RFC 7143 §11.15.1).</summary>
public enum LogoutResponseCode : byte
{
    ClosedSuccessfully = 0,
    CidNotFound = 1,
    ConnectionRecoveryNotSupported = 2,
    CleanupFailed = 3,
}
