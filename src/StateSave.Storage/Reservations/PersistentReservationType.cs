namespace StateSave.Storage.Reservations;

/// <summary>TYPE field of PERSISTENT RESERVE OUT and of the reservation descriptors (SPC-5 §6.16.3.4, persistent reservation type codes).</summary>
public enum PersistentReservationType : byte
{
    WriteExclusive = 0x1,
    ExclusiveAccess = 0x3,
    WriteExclusiveRegistrantsOnly = 0x5,
    ExclusiveAccessRegistrantsOnly = 0x6,
    WriteExclusiveAllRegistrants = 0x7,
    ExclusiveAccessAllRegistrants = 0x8,
}

/// <summary>How each reservation type treats registrants and reads (SPC-5 §5.14.3.4).</summary>
public static class PersistentReservationTypeExtensions
{
    /// <summary>True for the six type codes SPC-5 defines.</summary>
    public static bool IsDefined(byte type) => type is 0x1 or 0x3 or 0x5 or 0x6 or 0x7 or 0x8;

    /// <summary>All registrants (types 7h and 8h): every registered I_T nexus is a reservation holder.</summary>
    public static bool IsAllRegistrants(this PersistentReservationType type) =>
        type is PersistentReservationType.WriteExclusiveAllRegistrants or PersistentReservationType.ExclusiveAccessAllRegistrants;

    /// <summary>Registrants only (types 5h and 6h).</summary>
    public static bool IsRegistrantsOnly(this PersistentReservationType type) =>
        type is PersistentReservationType.WriteExclusiveRegistrantsOnly or PersistentReservationType.ExclusiveAccessRegistrantsOnly;

    /// <summary>Registered I_T nexuses have full access (registrants only and all registrants types).</summary>
    public static bool AdmitsRegistrants(this PersistentReservationType type) => type.IsAllRegistrants() || type.IsRegistrantsOnly();

    /// <summary>Exclusive access types: reads from I_T nexuses without access conflict too.</summary>
    public static bool IsExclusiveAccess(this PersistentReservationType type) =>
        type is PersistentReservationType.ExclusiveAccess or PersistentReservationType.ExclusiveAccessRegistrantsOnly
            or PersistentReservationType.ExclusiveAccessAllRegistrants;
}
