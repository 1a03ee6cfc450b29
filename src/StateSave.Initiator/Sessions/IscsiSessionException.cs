namespace StateSave.Initiator.Sessions;

/// <summary>An operation could not be done because the session is closed or failed, or the target misbehaved.</summary>
public sealed class IscsiSessionException : Exception
{
    public IscsiSessionException() : base("The iSCSI session is not usable.") { }

    public IscsiSessionException(string message) : base(message) { }

    public IscsiSessionException(string message, Exception innerException) : base(message, innerException) { }
}
