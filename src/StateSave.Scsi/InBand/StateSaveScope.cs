namespace StateSave.Scsi.InBand;

/// <summary>SCOPE of a STATE SAVE CDB (byte 2, specs/in-band-state-save.md §2.1): what a host freezes.</summary>
[Flags]
public enum StateSaveScope : byte
{
    None = 0,

    /// <summary>HBA driver state: ports, sessions, counters, recent events.</summary>
    HbaDriver = 0x01,

    /// <summary>Failover driver state: logical units, paths, ALUA states, path history.</summary>
    FailoverDriver = 0x02,

    /// <summary>The logs of the registered host applications.</summary>
    Applications = 0x04,

    All = HbaDriver | FailoverDriver | Applications,
}
