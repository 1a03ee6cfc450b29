namespace StateSave.Storage.Reservations;

/// <summary>
/// What survives a power loss when APTPL is set (SPC-5 §5.14.5): the registrations, the reservation and the
/// PRgeneration. A plain data shape so stores can serialize it.
/// </summary>
public sealed record PersistentReservationState
{
    public uint Generation { get; init; }

    public IReadOnlyList<PersistedRegistration> Registrations { get; init; } = [];

    /// <summary>The reservation TYPE, or null when no persistent reservation exists.</summary>
    public PersistentReservationType? ReservationType { get; init; }

    /// <summary>Index in <see cref="Registrations"/> of the reservation holder; null for all registrants types or no reservation.</summary>
    public int? HolderIndex { get; init; }
}

/// <summary>One registration as persisted.</summary>
/// <param name="InitiatorName">iSCSI name of the initiator.</param>
/// <param name="Isid">ISID (12 hex digits) or null for every port of the initiator.</param>
/// <param name="RelativeTargetPortIdentifier">Target port, or null for all target ports.</param>
/// <param name="Key">Reservation key.</param>
public sealed record PersistedRegistration(string InitiatorName, string? Isid, ushort? RelativeTargetPortIdentifier, ulong Key);
