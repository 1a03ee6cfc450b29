using System.Buffers;
using StateSave.Iscsi.Protocol;

namespace StateSave.Initiator.Connections;

/// <summary>A PDU received on a <see cref="RawIscsiConnection"/>, copied out of the receive buffer.</summary>
public sealed class RawPdu
{
    private readonly byte[] _header;
    private readonly byte[] _data;

    internal RawPdu(in IscsiPdu pdu)
    {
        _header = pdu.Header.ToArray();
        _data = pdu.DataSegment.ToArray();
        AdditionalHeaderSegments = pdu.AdditionalHeaderSegments.ToArray();
    }

    public IscsiOpcode Opcode => Header.Opcode;

    public BasicHeaderSegment Header => new(_header);

    public ReadOnlyMemory<byte> HeaderBytes => _header;

    public ReadOnlyMemory<byte> Data => _data;

    public ReadOnlyMemory<byte> AdditionalHeaderSegments { get; }

    public uint InitiatorTaskTag => Header.InitiatorTaskTag;

    /// <summary>Decodes the copy as <typeparamref name="TPdu"/> (its data segment points at this object's copy).</summary>
    public TPdu As<TPdu>() where TPdu : struct, IIscsiPdu<TPdu> =>
        new IscsiPdu(Header, new ReadOnlySequence<byte>(AdditionalHeaderSegments), new ReadOnlySequence<byte>(_data), _header.Length + _data.Length).As<TPdu>();

    public override string ToString() => $"{Opcode} ITT 0x{InitiatorTaskTag:x8} ({_data.Length} data bytes)";
}
