using System.Buffers;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;

namespace StateSave.Iscsi.InBand;

/// <summary>
/// State Save Request, target → initiator, vendor-specific opcode 3Ch (specs/in-band-state-save.md §2.1): a CDB
/// (STATE SAVE or READ BUFFER (16) mode 1Ch) and its parameter list, tagged with a Vendor Task Tag.
/// <code>
/// 0 3Ch | 1 F=1 | 2-3 reserved | 4 TotalAHSLength=0 | 5-7 DataSegmentLength | 8-15 LUN | 16-19 Vendor Task Tag
/// 20-27 FAILURE ID | 28-31 reserved | 32-47 CDB | 48- parameter list
/// </code>
/// Carries no sequence numbers: StatSN, ExpCmdSN and MaxCmdSN are untouched.
/// </summary>
public struct StateSaveRequestPdu
{
    public const IscsiOpcode Opcode = IscsiOpcode.VendorSpecificTarget3C;
    public const int CdbLength = 16;

    private const byte FinalBit = 0x80;
    private const int FailureIdOffset = 20;
    private const int CdbOffset = 32;

    private VendorSpecificPdu _pdu;

    public StateSaveRequestPdu()
    {
        _pdu = new VendorSpecificPdu(Opcode) { Flags = FinalBit };
    }

    private StateSaveRequestPdu(VendorSpecificPdu pdu) => _pdu = pdu;

    /// <summary>LUN of the logical unit the request is about (the failed one, or 0).</summary>
    public ulong Lun { readonly get => _pdu.Lun; set => _pdu.Lun = value; }

    /// <summary>Chosen by the target, unique among its outstanding requests on the connection, never FFFFFFFFh.</summary>
    public uint VendorTaskTag { readonly get => _pdu.InitiatorTaskTag; set => _pdu.InitiatorTaskTag = value; }

    public ulong FailureId
    {
        readonly get => ((ulong)_pdu.GetUInt32(FailureIdOffset) << 32) | _pdu.GetUInt32(FailureIdOffset + 4);
        set
        {
            _pdu.SetUInt32(FailureIdOffset, (uint)(value >> 32));
            _pdu.SetUInt32(FailureIdOffset + 4, (uint)value);
        }
    }

    /// <summary>The parameter list (the data segment).</summary>
    public ReadOnlySequence<byte> ParameterList { readonly get => _pdu.DataSegment; set => _pdu.DataSegment = value; }

    /// <summary>Copies the 16 CDB bytes (BHS 32-47).</summary>
    public readonly void CopyCdbTo(Span<byte> destination)
    {
        Span<byte> specific = stackalloc byte[VendorSpecificPdu.SpecificFieldsLength];
        _pdu.CopySpecificFieldsTo(specific);
        specific.Slice(CdbOffset - 20, CdbLength).CopyTo(destination);
    }

    /// <summary>Sets the CDB (at most 16 bytes; a shorter one is padded with zeros).</summary>
    public void SetCdb(ReadOnlySpan<byte> cdb)
    {
        if (cdb.Length > CdbLength)
        {
            throw new ArgumentException($"The CDB of a State Save Request is at most {CdbLength} bytes.", nameof(cdb));
        }

        Span<byte> specific = stackalloc byte[VendorSpecificPdu.SpecificFieldsLength];
        _pdu.CopySpecificFieldsTo(specific);
        Span<byte> field = specific.Slice(CdbOffset - 20, CdbLength);
        field.Clear();
        cdb.CopyTo(field);
        _pdu.SetSpecificFields(specific);
    }

    /// <summary>The PDU as the generic vendor-specific PDU the writer sends.</summary>
    public readonly VendorSpecificPdu ToVendorSpecificPdu() => _pdu;

    /// <summary>
    /// Reads a State Save Request from a received vendor-specific PDU; false with the reason when it is not one
    /// (another opcode, F clear, an AHS, the reserved VTT FFFFFFFFh).
    /// </summary>
    public static bool TryParse(in VendorSpecificPdu pdu, out StateSaveRequestPdu request, out string? error)
    {
        request = new StateSaveRequestPdu(pdu);
        error = pdu.Opcode != Opcode ? $"opcode 0x{(byte)pdu.Opcode:x2} is not a State Save Request"
            : (pdu.Flags & FinalBit) == 0 ? "the F bit is clear"
            : pdu.AdditionalHeaderSegmentsLength != 0 ? "a State Save Request has no AHS"
            : pdu.InitiatorTaskTag == ReservedTag.Value ? "the Vendor Task Tag is the reserved FFFFFFFFh"
            : null;
        return error is null;
    }
}
