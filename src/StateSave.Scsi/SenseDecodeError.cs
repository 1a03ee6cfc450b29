namespace StateSave.Scsi;

/// <summary>Why <see cref="SenseData.TryDecode(ReadOnlySpan{byte}, out SenseData, out SenseDecodeError)"/> failed.</summary>
public enum SenseDecodeError : byte
{
    None = 0,

    /// <summary>No sense bytes at all.</summary>
    Empty,

    /// <summary>RESPONSE CODE is not 70h-73h (e.g. 7Fh vendor specific, or garbage).</summary>
    UnknownResponseCode,

    /// <summary>
    /// The bytes end before the sense key and ASC/ASCQ (fixed format: fewer than 14 bytes; descriptor
    /// format: fewer than 8), or inside a descriptor. The fields that were present are still returned.
    /// </summary>
    Truncated,
}
