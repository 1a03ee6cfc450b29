namespace StateSave.Scsi;

/// <summary>SERVICE ACTION field of PERSISTENT RESERVE IN, operation code 5Eh (SPC-5 PERSISTENT RESERVE IN command).</summary>
public enum PersistentReserveInServiceAction : byte
{
    ReadKeys = 0x00,
    ReadReservation = 0x01,
    ReportCapabilities = 0x02,
    ReadFullStatus = 0x03,
}

/// <summary>SERVICE ACTION field of PERSISTENT RESERVE OUT, operation code 5Fh (SPC-5 PERSISTENT RESERVE OUT command).</summary>
public enum PersistentReserveOutServiceAction : byte
{
    Register = 0x00,
    Reserve = 0x01,
    Release = 0x02,
    Clear = 0x03,
    Preempt = 0x04,
    PreemptAndAbort = 0x05,
    RegisterAndIgnoreExistingKey = 0x06,
    RegisterAndMove = 0x07,
    ReplaceLostReservation = 0x08,
}
