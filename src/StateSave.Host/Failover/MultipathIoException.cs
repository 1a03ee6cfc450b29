using StateSave.Initiator.Commands;

namespace StateSave.Host.Failover;

/// <summary>
/// An I/O on a multipath device failed: the LU answered with an error that no other path can change (e.g. an LBA out
/// of range), or no path could take it within <see cref="FailoverOptions.NoPathTimeout"/>.
/// </summary>
public sealed class MultipathIoException : Exception
{
    public MultipathIoException() : base("The multipath I/O failed.") { }

    public MultipathIoException(string message) : base(message) { }

    public MultipathIoException(string message, Exception innerException) : base(message, innerException) { }

    public MultipathIoException(string message, ScsiCommandResponse response) : base($"{message}: {response}.") => Response = response;

    /// <summary>The last response, when a target answered.</summary>
    public ScsiCommandResponse? Response { get; }
}
