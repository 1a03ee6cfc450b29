using System.Buffers;

namespace StateSave.Iscsi.Protocol;

/// <summary>
/// A typed PDU: encodes its own BHS and AHS, names its data segment, and decodes itself from an <see cref="IscsiPdu"/>.
/// Implemented by structs so that <see cref="IscsiPduWriter.Write{TPdu}"/> is specialised per PDU type (no boxing).
/// </summary>
public interface IIscsiPdu<TSelf> where TSelf : struct, IIscsiPdu<TSelf>
{
    /// <summary>The opcode this type encodes.</summary>
    IscsiOpcode Opcode { get; }

    /// <summary>Bytes of AHS this PDU carries (a multiple of 4, at most 1020).</summary>
    int AdditionalHeaderSegmentsLength { get; }

    /// <summary>The data segment to send (without padding).</summary>
    ReadOnlySequence<byte> DataSegment { get; }

    /// <summary>
    /// Writes the 48-byte BHS into <paramref name="bhs"/> (already zeroed). TotalAHSLength and DataSegmentLength
    /// are filled in by the writer.
    /// </summary>
    void EncodeHeader(Span<byte> bhs);

    /// <summary>Writes the AHS area (exactly <see cref="AdditionalHeaderSegmentsLength"/> bytes).</summary>
    void EncodeAdditionalHeaderSegments(Span<byte> destination);

    /// <summary>Decodes and validates a PDU of this type.</summary>
    static abstract TSelf Parse(in IscsiPdu pdu);
}
