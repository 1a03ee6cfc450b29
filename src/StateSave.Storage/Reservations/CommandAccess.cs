namespace StateSave.Storage.Reservations;

/// <summary>How a command is treated in the presence of a reservation held by another I_T nexus.</summary>
public enum CommandAccess : byte
{
    /// <summary>Allowed under every reservation type (INQUIRY, REPORT LUNS, TEST UNIT READY, READ CAPACITY ...).</summary>
    Allowed = 0,

    /// <summary>A read of the medium or of device state: allowed under Write Exclusive types, conflicts under Exclusive Access types.</summary>
    Read = 1,

    /// <summary>Changes the medium or device state: conflicts under every type.</summary>
    Write = 2,

    /// <summary>PERSISTENT RESERVE OUT: the service action decides (SPC-5 §5.14.3.3, table for PERSISTENT RESERVE OUT).</summary>
    PersistentReserveOut = 3,

    /// <summary>RESERVE and RELEASE (6)/(10): the exceptions of SPC-5 §5.14.3.2 (compatible reservation handling).</summary>
    ReserveRelease = 4,
}
