using StateSave.Initiator.Sessions;

namespace StateSave.Initiator.InBand;

/// <summary>
/// Receives the State Save Requests of a session (the host's HBA driver registers one and hands the requests to its
/// failover driver). Called off the session's read loop, one call per request; answer with an
/// <see cref="InBandStateSaveResponse"/>. An exception ends the request with CHECK CONDITION, HARDWARE ERROR.
/// </summary>
public interface IInBandStateSaveHandler
{
    ValueTask HandleAsync(IscsiSession session, InBandStateSaveRequest request, CancellationToken cancellationToken);
}
