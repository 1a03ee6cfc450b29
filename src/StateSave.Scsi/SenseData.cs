using System.Globalization;

namespace StateSave.Scsi;

/// <summary>
/// Sense data (SPC-5 §4.4): what a device server returns with CHECK CONDITION (carried by iSCSI in the
/// SCSI Response data segment) and what REQUEST SENSE returns. A value model; <see cref="Encode(Span{byte})"/>
/// writes either format and <see cref="TryDecode(ReadOnlySpan{byte}, out SenseData, out SenseDecodeError)"/>
/// reads either format without throwing.
/// </summary>
/// <remarks>
/// Fixed format limits INFORMATION and COMMAND-SPECIFIC INFORMATION to four bytes. A larger INFORMATION
/// value is encoded with VALID = 0 and a larger command-specific value as zero; use the descriptor format
/// for 64-bit logical block addresses. Fixed format cannot tell "absent" from zero for COMMAND-SPECIFIC
/// INFORMATION, so decoding returns null for zero.
/// </remarks>
public readonly partial record struct SenseData
{
    /// <summary>Length of fixed-format sense data as encoded here (ADDITIONAL SENSE LENGTH = 0Ah).</summary>
    public const int FixedFormatLength = 18;

    /// <summary>Length of the descriptor-format header, before the sense data descriptors.</summary>
    public const int DescriptorHeaderLength = 8;

    /// <summary>Largest sense data: 8 + an ADDITIONAL SENSE LENGTH of 244 (SPC-5 §4.4.1).</summary>
    public const int MaximumLength = 252;

    /// <summary>Sense data with the given key and code, current error, fixed format.</summary>
    public SenseData(SenseKey senseKey, AdditionalSenseCode additionalSenseCode)
    {
        SenseKey = senseKey;
        AdditionalSenseCode = additionalSenseCode;
    }

    /// <summary>Fixed (70h/71h) or descriptor (72h/73h).</summary>
    public SenseDataFormat Format { get; init; }

    /// <summary>Deferred error (71h/73h) rather than current error (70h/72h).</summary>
    public bool IsDeferred { get; init; }

    public SenseKey SenseKey { get; init; }

    public AdditionalSenseCode AdditionalSenseCode { get; init; }

    /// <summary>INFORMATION (e.g. the LBA of a medium error, the offset of a miscompare); null when not valid.</summary>
    public ulong? Information { get; init; }

    /// <summary>COMMAND-SPECIFIC INFORMATION; null when absent.</summary>
    public ulong? CommandSpecificInformation { get; init; }

    /// <summary>SENSE KEY SPECIFIC bytes; <c>default</c> when SKSV = 0.</summary>
    public SenseKeySpecific SenseKeySpecific { get; init; }

    /// <summary>FIELD REPLACEABLE UNIT CODE; 0 when none.</summary>
    public byte FieldReplaceableUnitCode { get; init; }

    /// <summary>FILEMARK (stream devices).</summary>
    public bool Filemark { get; init; }

    /// <summary>EOM (stream devices).</summary>
    public bool EndOfMedium { get; init; }

    /// <summary>ILI: the requested logical block length did not match the logical block length of the data on the medium.</summary>
    public bool IncorrectLengthIndicator { get; init; }

    /// <summary>RESPONSE CODE: 70h, 71h, 72h or 73h.</summary>
    public byte ResponseCode => (byte)((Format == SenseDataFormat.Descriptor ? 0x72 : 0x70) | (IsDeferred ? 1 : 0));

    /// <summary>ILLEGAL REQUEST, optionally with a field pointer (SPC-5 sense key specific field pointer bytes).</summary>
    /// <param name="additionalSenseCode">Usually INVALID FIELD IN CDB or INVALID FIELD IN PARAMETER LIST.</param>
    /// <param name="fieldPointer">The byte of the field in error (0-65535), or null for no sense key specific bytes.</param>
    /// <param name="bitPointer">The leftmost bit of the field in error (0-7), or null when the whole byte is meant.</param>
    /// <param name="inCdb">C/D: the field is in the CDB (true) or in the parameter list (false).</param>
    public static SenseData IllegalRequest(AdditionalSenseCode additionalSenseCode, int? fieldPointer = null, int? bitPointer = null, bool inCdb = true)
    {
        var sense = new SenseData(SenseKey.IllegalRequest, additionalSenseCode);
        if (fieldPointer is not { } pointer)
        {
            return sense;
        }

        ArgumentOutOfRangeException.ThrowIfNegative(pointer, nameof(fieldPointer));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pointer, ushort.MaxValue, nameof(fieldPointer));
        return sense with { SenseKeySpecific = SenseKeySpecific.CreateFieldPointer((ushort)pointer, bitPointer, inCdb) };
    }

    /// <summary>ILLEGAL REQUEST for a CDB that <see cref="Cdb"/> rejected, pointing at the bad field.</summary>
    public static SenseData IllegalRequest(CdbFieldError error) =>
        IllegalRequest(error.AdditionalSenseCode, error.ByteOffset, error.BitPointer, inCdb: true);

    /// <summary>NOT READY, optionally with a progress indication (numerator over 65 536).</summary>
    public static SenseData NotReady(AdditionalSenseCode additionalSenseCode, ushort? progress = null) =>
        new SenseData(SenseKey.NotReady, additionalSenseCode) with
        {
            SenseKeySpecific = progress is { } p ? SenseKeySpecific.CreateProgressIndication(p) : default,
        };

    /// <summary>UNIT ATTENTION (e.g. POWER ON OCCURRED, REPORTED LUNS DATA HAS CHANGED).</summary>
    public static SenseData UnitAttention(AdditionalSenseCode additionalSenseCode) => new(SenseKey.UnitAttention, additionalSenseCode);

    /// <summary>MEDIUM ERROR, with the LBA of the failing block in INFORMATION.</summary>
    public static SenseData MediumError(AdditionalSenseCode additionalSenseCode, ulong? logicalBlockAddress = null) =>
        new SenseData(SenseKey.MediumError, additionalSenseCode) with { Information = logicalBlockAddress };

    /// <summary>HARDWARE ERROR (e.g. INTERNAL TARGET FAILURE).</summary>
    public static SenseData HardwareError(AdditionalSenseCode additionalSenseCode) => new(SenseKey.HardwareError, additionalSenseCode);

    /// <summary>DATA PROTECT (e.g. WRITE PROTECTED).</summary>
    public static SenseData DataProtect(AdditionalSenseCode additionalSenseCode) => new(SenseKey.DataProtect, additionalSenseCode);

    /// <summary>ABORTED COMMAND (e.g. the iSCSI conditions of RFC 7143 §11.4.7.2).</summary>
    public static SenseData AbortedCommand(AdditionalSenseCode additionalSenseCode) => new(SenseKey.AbortedCommand, additionalSenseCode);

    /// <summary>MISCOMPARE, MISCOMPARE DURING VERIFY OPERATION, with the byte offset of the first miscompare in INFORMATION (SBC-4 COMPARE AND WRITE).</summary>
    public static SenseData Miscompare(ulong? offset) =>
        new SenseData(SenseKey.Miscompare, AdditionalSenseCode.MiscompareDuringVerifyOperation) with { Information = offset };

    /// <summary>"ILLEGAL REQUEST 24h/00h INVALID FIELD IN CDB"; for logs.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{SenseKey} {AdditionalSenseCode}");
}
