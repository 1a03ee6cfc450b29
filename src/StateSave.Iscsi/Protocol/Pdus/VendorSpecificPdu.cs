using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>
/// A vendor-specific PDU (initiator opcodes 0x1c–0x1e, target opcodes 0x3c–0x3e, RFC 7143 §11.2.1.2). Only the
/// generic BHS outline is defined by the RFC; the opcode-specific bytes are carried as they are, for the layer
/// above (the in-band state-save protocol) to interpret.
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0|.|I| Opcode    |  Opcode-specific fields (bytes 1–3)           |
///    +---------------+---------------+---------------+---------------+
///   4|TotalAHSLength | DataSegmentLength                             |
///    +---------------+---------------+---------------+---------------+
///   8| LUN or Opcode-specific fields                                 |
///    +                                                               +
///  12|                                                               |
///    +---------------+---------------+---------------+---------------+
///  16| Initiator Task Tag                                            |
///    +---------------+---------------+---------------+---------------+
///  20/ Opcode-specific fields (bytes 20–47)                          /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///  48/ AHS (optional), Header-Digest, DataSegment, Data-Digest       /
///    +---------------+---------------+---------------+---------------+
/// </code>
/// </summary>
public struct VendorSpecificPdu : IIscsiPdu<VendorSpecificPdu>
{
    /// <summary>Length of the opcode-specific area at bytes 20–47.</summary>
    public const int SpecificFieldsLength = 28;

    private const int SpecificFieldsOffset = 20;
    private IscsiOpcode _opcode;
    private SpecificBytes _specific;

    /// <summary>Creates a vendor-specific PDU; <paramref name="opcode"/> must be one of the six vendor opcodes.</summary>
    public VendorSpecificPdu(IscsiOpcode opcode)
    {
        if (!opcode.IsVendorSpecific())
        {
            throw new ArgumentOutOfRangeException(nameof(opcode), opcode, "Not a vendor-specific opcode.");
        }

        _opcode = opcode;
    }

    public readonly IscsiOpcode Opcode => _opcode;

    /// <summary>The I bit (meaningful for initiator opcodes).</summary>
    public bool Immediate { get; set; }

    /// <summary>Byte 1 (whose top bit is the F bit in standard PDUs).</summary>
    public byte Flags { get; set; }

    /// <summary>Bytes 2–3.</summary>
    public ushort Byte2And3 { get; set; }

    /// <summary>Bytes 8–15.</summary>
    public ulong Lun { get; set; }

    public uint InitiatorTaskTag { get; set; }

    /// <summary>The AHS area, sent as given (must be well-formed AHS, a multiple of 4 bytes).</summary>
    public ReadOnlySequence<byte> AdditionalHeaderSegments { get; set; }

    public ReadOnlySequence<byte> DataSegment { get; set; }

    public readonly int AdditionalHeaderSegmentsLength => (int)AdditionalHeaderSegments.Length;

    /// <summary>Reads a big-endian 32-bit word of the opcode-specific area at BHS offset <paramref name="bhsOffset"/> (20–44).</summary>
    public readonly uint GetUInt32(int bhsOffset) =>
        BinaryPrimitives.ReadUInt32BigEndian(((ReadOnlySpan<byte>)_specific)[(bhsOffset - SpecificFieldsOffset)..]);

    /// <summary>Sets a big-endian 32-bit word of the opcode-specific area at BHS offset <paramref name="bhsOffset"/> (20–44).</summary>
    public void SetUInt32(int bhsOffset, uint value) =>
        BinaryPrimitives.WriteUInt32BigEndian(((Span<byte>)_specific)[(bhsOffset - SpecificFieldsOffset)..], value);

    /// <summary>Copies the 28 opcode-specific bytes (BHS bytes 20–47).</summary>
    public readonly void CopySpecificFieldsTo(Span<byte> destination) => ((ReadOnlySpan<byte>)_specific).CopyTo(destination);

    /// <summary>Sets the 28 opcode-specific bytes (BHS bytes 20–47).</summary>
    public void SetSpecificFields(ReadOnlySpan<byte> source) => source[..SpecificFieldsLength].CopyTo(_specific);

    public readonly void EncodeHeader(Span<byte> bhs)
    {
        BasicHeaderSegment.WriteOpcode(bhs, _opcode, Immediate);
        bhs[1] = Flags;
        BinaryPrimitives.WriteUInt16BigEndian(bhs[2..], Byte2And3);
        BinaryPrimitives.WriteUInt64BigEndian(bhs[BasicHeaderSegment.LunOffset..], Lun);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BasicHeaderSegment.InitiatorTaskTagOffset..], InitiatorTaskTag);
        ((ReadOnlySpan<byte>)_specific).CopyTo(bhs[SpecificFieldsOffset..]);
    }

    public readonly void EncodeAdditionalHeaderSegments(Span<byte> destination) => AdditionalHeaderSegments.CopyTo(destination);

    public static VendorSpecificPdu Parse(in IscsiPdu pdu)
    {
        if (!pdu.Opcode.IsVendorSpecific())
        {
            throw new ArgumentException($"Opcode 0x{(byte)pdu.Opcode:x2} is not vendor-specific.", nameof(pdu));
        }

        BasicHeaderSegment h = pdu.Header;
        var result = new VendorSpecificPdu(pdu.Opcode)
        {
            Immediate = h.Immediate,
            Flags = h[1],
            Byte2And3 = h.ReadUInt16(2),
            Lun = h.Lun,
            InitiatorTaskTag = h.InitiatorTaskTag,
            AdditionalHeaderSegments = pdu.AdditionalHeaderSegments,
            DataSegment = pdu.DataSegment,
        };
        h.CopyTo(SpecificFieldsOffset, SpecificFieldsLength, result._specific);
        return result;
    }

    [InlineArray(SpecificFieldsLength)]
    private struct SpecificBytes
    {
        private byte _element0;
    }
}
