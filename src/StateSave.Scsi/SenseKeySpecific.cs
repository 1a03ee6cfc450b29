namespace StateSave.Scsi;

/// <summary>
/// The three SENSE KEY SPECIFIC bytes (SPC-5 §4.4, "sense key specific information": fixed format bytes 15-17, or bytes 4-6
/// of the sense key specific sense data descriptor). Byte 0 bit 7 is SKSV; the other 23 bits depend on
/// the sense key:
/// <list type="bullet">
/// <item>ILLEGAL REQUEST — field pointer: C/D (bit 6), BPV (bit 3), BIT POINTER (bits 2-0), FIELD POINTER (bytes 1-2).</item>
/// <item>NO SENSE / NOT READY — PROGRESS INDICATION (bytes 1-2), a fraction of 65 536.</item>
/// <item>RECOVERED ERROR / MEDIUM ERROR / HARDWARE ERROR — ACTUAL RETRY COUNT (bytes 1-2).</item>
/// <item>COPY ABORTED — segment pointer: SD (bit 5), BPV, BIT POINTER, FIELD POINTER.</item>
/// </list>
/// <c>default</c> is "no sense key specific information" (SKSV = 0).
/// </summary>
public readonly record struct SenseKeySpecific
{
    private const int Sksv = 0x80_0000;
    private const int CommandData = 0x40_0000;
    private const int SegmentDescriptor = 0x20_0000;
    private const int BitPointerValid = 0x08_0000;

    private readonly int _raw; // 24 bits, byte 0 in bits 23-16

    private SenseKeySpecific(int raw) => _raw = raw & 0xff_ffff;

    /// <summary>The three bytes as found on the wire.</summary>
    public static SenseKeySpecific FromBytes(byte byte0, byte byte1, byte byte2) => new((byte0 << 16) | (byte1 << 8) | byte2);

    /// <summary>SKSV: the remaining bits hold sense-key-specific information.</summary>
    public bool IsValid => (_raw & Sksv) != 0;

    /// <summary>The 24 raw bits, byte 0 in bits 23-16.</summary>
    public int Raw => _raw;

    /// <summary>C/D for ILLEGAL REQUEST: true when the error is in the CDB, false when in the parameter data.</summary>
    public bool IsCommandData => (_raw & CommandData) != 0;

    /// <summary>SD for COPY ABORTED: the field pointer refers to a segment descriptor.</summary>
    public bool IsSegmentDescriptor => (_raw & SegmentDescriptor) != 0;

    /// <summary>BIT POINTER when BPV is set (the leftmost bit of the field in error), else null.</summary>
    public int? BitPointer => (_raw & BitPointerValid) != 0 ? (_raw >> 16) & 0x7 : null;

    /// <summary>FIELD POINTER (ILLEGAL REQUEST, COPY ABORTED): the first byte of the field in error.</summary>
    public ushort FieldPointer => (ushort)_raw;

    /// <summary>PROGRESS INDICATION (NO SENSE, NOT READY): numerator over 65 536.</summary>
    public ushort ProgressIndication => (ushort)_raw;

    /// <summary>ACTUAL RETRY COUNT (RECOVERED ERROR, MEDIUM ERROR, HARDWARE ERROR).</summary>
    public ushort ActualRetryCount => (ushort)_raw;

    /// <summary>Field pointer for ILLEGAL REQUEST sense data.</summary>
    /// <param name="fieldPointer">Byte of the CDB or parameter list holding the field in error (its most significant byte).</param>
    /// <param name="bitPointer">The leftmost bit (0-7) of the field in error, or null for the whole byte (BPV = 0).</param>
    /// <param name="inCdb">C/D: true for the CDB, false for the parameter list.</param>
    public static SenseKeySpecific CreateFieldPointer(ushort fieldPointer, int? bitPointer, bool inCdb)
    {
        int raw = Sksv | fieldPointer;
        if (inCdb)
        {
            raw |= CommandData;
        }

        if (bitPointer is { } bit)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(bit, nameof(bitPointer));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(bit, 7, nameof(bitPointer));
            raw |= BitPointerValid | (bit << 16);
        }

        return new SenseKeySpecific(raw);
    }

    /// <summary>Progress indication for NOT READY / NO SENSE sense data (e.g. FORMAT IN PROGRESS).</summary>
    public static SenseKeySpecific CreateProgressIndication(ushort progress) => new(Sksv | progress);

    /// <summary>Actual retry count for RECOVERED ERROR / MEDIUM ERROR / HARDWARE ERROR sense data.</summary>
    public static SenseKeySpecific CreateActualRetryCount(ushort retries) => new(Sksv | retries);

    /// <summary>Writes the three bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        destination[2] = (byte)_raw;
        destination[1] = (byte)(_raw >> 8);
        destination[0] = (byte)(_raw >> 16);
    }
}
