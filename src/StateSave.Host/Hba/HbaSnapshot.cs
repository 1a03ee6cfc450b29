using StateSave.Initiator.Sessions;
using StateSave.Iscsi.Negotiation;

namespace StateSave.Host.Hba;

/// <summary>The HBA driver's state frozen at one instant: ports, sessions (with negotiated parameters and counters) and the recent events.</summary>
public sealed record HbaSnapshot(DateTimeOffset Time, IReadOnlyList<InitiatorPortSnapshot> Ports, IReadOnlyList<HbaSessionSnapshot> Sessions,
    IReadOnlyList<HbaEvent> RecentEvents, long EventsOverwritten);

/// <summary>One initiator port's counters.</summary>
public sealed record InitiatorPortSnapshot(string Name, string InitiatorName, ushort IsidQualifier, long Logins, long LoginFailures, long Discoveries,
    long Logouts, int SessionsOpen);

/// <summary>
/// One session: identity, state, what the last login negotiated, the initiator's counters (summed over every
/// session object the path used) and the HBA's own counters.
/// </summary>
public sealed record HbaSessionSnapshot(string Id, string Port, string InitiatorName, string TargetName, string Portal, string Isid, ushort Tsih,
    SessionState State, NegotiatedParameters Parameters, SessionStatistics Statistics, int CommandsInFlight, long StateChanges, long AsyncMessages,
    long Reconnects, DateTimeOffset LoggedInAt);
