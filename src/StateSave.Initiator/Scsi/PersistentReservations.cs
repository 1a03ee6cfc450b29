namespace StateSave.Initiator.Scsi;

/// <summary>PERSISTENT RESERVE IN service actions (SPC-5 §6.16.1).</summary>
public enum PersistentReserveInServiceAction : byte
{
    ReadKeys = 0x00,
    ReadReservation = 0x01,
    ReportCapabilities = 0x02,
    ReadFullStatus = 0x03,
}

/// <summary>PERSISTENT RESERVE OUT service actions (SPC-5 §6.17.2).</summary>
public enum PersistentReserveOutServiceAction : byte
{
    Register = 0x00,
    Reserve = 0x01,
    Release = 0x02,
    Clear = 0x03,
    Preempt = 0x04,
    PreemptAndAbort = 0x05,
    RegisterAndIgnoreExistingKey = 0x06,
}

/// <summary>Persistent reservation types (SPC-5 §6.16.3.4).</summary>
public enum PersistentReservationType : byte
{
    None = 0x0,
    WriteExclusive = 0x1,
    ExclusiveAccess = 0x3,
    WriteExclusiveRegistrantsOnly = 0x5,
    ExclusiveAccessRegistrantsOnly = 0x6,
    WriteExclusiveAllRegistrants = 0x7,
    ExclusiveAccessAllRegistrants = 0x8,
}

/// <summary>READ KEYS: the PRgeneration and the registered keys.</summary>
public sealed record PersistentReserveKeys(uint Generation, IReadOnlyList<ulong> Keys);

/// <summary>READ RESERVATION: the PRgeneration and the reservation, if one is held.</summary>
public sealed record PersistentReservation(uint Generation, ulong? ReservationKey, PersistentReservationType Type, byte Scope);
