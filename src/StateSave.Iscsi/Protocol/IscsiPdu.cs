using System.Buffers;

namespace StateSave.Iscsi.Protocol;

/// <summary>
/// One framed PDU as read off the wire: the BHS (copied inline), and the additional header segments and the
/// data segment as slices of the receive buffer (not copied). Valid only until the buffer is advanced past it;
/// anything that must outlive the read is copied on purpose by its consumer.
/// </summary>
public readonly struct IscsiPdu
{
    private readonly BasicHeaderSegment _header;

    public IscsiPdu(in BasicHeaderSegment header, ReadOnlySequence<byte> additionalHeaderSegments, ReadOnlySequence<byte> dataSegment, long wireLength)
    {
        _header = header;
        AdditionalHeaderSegments = additionalHeaderSegments;
        DataSegment = dataSegment;
        WireLength = wireLength;
    }

    /// <summary>The Basic Header Segment.</summary>
    public BasicHeaderSegment Header => _header;

    public IscsiOpcode Opcode => _header.Opcode;

    /// <summary>The AHS area (TotalAHSLength × 4 bytes), already checked to be tiled exactly by AHS entries.</summary>
    public ReadOnlySequence<byte> AdditionalHeaderSegments { get; }

    /// <summary>The data segment without padding or digest.</summary>
    public ReadOnlySequence<byte> DataSegment { get; }

    /// <summary>Bytes the PDU occupied on the wire, digests and padding included.</summary>
    public long WireLength { get; }

    /// <summary>Decodes this PDU as <typeparamref name="TPdu"/>; throws <see cref="IscsiProtocolException"/> when the opcode or a field is wrong.</summary>
    public TPdu As<TPdu>() where TPdu : struct, IIscsiPdu<TPdu> => TPdu.Parse(this);
}
