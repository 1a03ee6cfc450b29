namespace StateSave.Target.InBand;

/// <summary>
/// A host broke the in-band state-save protocol in its answer (specs/in-band-state-save.md §4.4): more data than
/// asked for, a wrong offset or DataSN, a malformed PDU. The exchange ends; the session goes on.
/// </summary>
public sealed class StateSaveProtocolException : Exception
{
    public StateSaveProtocolException()
    {
    }

    public StateSaveProtocolException(string message) : base(message)
    {
    }

    public StateSaveProtocolException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
