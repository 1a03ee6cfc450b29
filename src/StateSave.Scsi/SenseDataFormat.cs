namespace StateSave.Scsi;

/// <summary>
/// The two sense data formats (SPC-5 §4.4.2 descriptor format, §4.4.3 fixed format). The RESPONSE CODE
/// tells them apart: 70h/71h fixed (current/deferred), 72h/73h descriptor (current/deferred).
/// </summary>
public enum SenseDataFormat : byte
{
    Fixed = 0,
    Descriptor = 1,
}
