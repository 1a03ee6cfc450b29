namespace StateSave.Comparison.Peers;

/// <summary>A peer (or a system) could not be used on this machine: the measurements needing it go to the "not run" list.</summary>
internal sealed class PeerUnavailableException : Exception
{
    public PeerUnavailableException()
    {
    }

    public PeerUnavailableException(string message) : base(message)
    {
    }

    public PeerUnavailableException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
