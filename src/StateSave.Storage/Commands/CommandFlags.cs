namespace StateSave.Storage.Commands;

/// <summary>How the logical unit treats a command before its handler runs.</summary>
[Flags]
public enum CommandFlags
{
    None = 0,

    /// <summary>Accesses the medium: NOT READY while stopped or being sanitized.</summary>
    MediumAccess = 1 << 0,

    /// <summary>Changes the medium: DATA PROTECT while write protected.</summary>
    WritesMedium = 1 << 1,

    /// <summary>Neither reports nor clears a pending unit attention (INQUIRY, REPORT LUNS, REQUEST SENSE; SAM-5 §5.14).</summary>
    IgnoresUnitAttention = 1 << 2,

    /// <summary>Runs while a sanitize operation is in progress (SBC-4 §4.11: INQUIRY, REPORT LUNS, REQUEST SENSE, ...).</summary>
    AllowedDuringSanitize = 1 << 3,
}
