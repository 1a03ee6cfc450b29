using System.Buffers;
using System.Globalization;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Transport;

namespace StateSave.Demo;

/// <summary>
/// One side of an iSCSI connection for the demo: typed PDUs in and out over a transport connection, with the
/// digests and MaxRecvDataSegmentLength in force, and a one-line trace of every PDU.
/// </summary>
internal sealed class PduChannel(IIscsiTransportConnection connection, string side, PduDirection receiveDirection, TextWriter trace)
{
    private PduReaderOptions _readerOptions = new() { Direction = receiveDirection };
    private DigestOptions _sendDigests;

    public IIscsiTransportConnection Connection => connection;

    /// <summary>Applies the outcome of login: digests both ways and the length this side declared it accepts.</summary>
    public void EnterFullFeaturePhase(NegotiatedParameters parameters, int ownMaxRecvDataSegmentLength)
    {
        DigestOptions digests = (parameters.HeaderDigest == DigestType.Crc32C ? DigestOptions.HeaderDigest : DigestOptions.None)
            | (parameters.DataDigest == DigestType.Crc32C ? DigestOptions.DataDigest : DigestOptions.None);
        _sendDigests = digests;
        _readerOptions = _readerOptions with { Digests = digests, MaxRecvDataSegmentLength = ownMaxRecvDataSegmentLength };
    }

    public async ValueTask SendAsync<TPdu>(TPdu pdu, string detail = "", CancellationToken cancellationToken = default)
        where TPdu : struct, IIscsiPdu<TPdu>
    {
        int length = IscsiPduWriter.Write(connection.Output, pdu, _sendDigests);
        Trace("->", pdu.Opcode, length, detail);
        FlushResultCheck(await connection.Output.FlushAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Reads one PDU and hands it to <paramref name="handle"/> while its buffer is still valid.</summary>
    public async ValueTask<T> ReceiveAsync<T>(Func<IscsiPdu, T> handle, CancellationToken cancellationToken = default)
    {
        (bool read, IscsiPdu pdu, SequencePosition consumed) =
            await IscsiPduReader.ReadAsync(connection.Input, _readerOptions, cancellationToken).ConfigureAwait(false);
        if (!read)
        {
            throw new IOException($"{side}: the peer closed the connection.");
        }

        try
        {
            Trace("<-", pdu.Opcode, pdu.WireLength, Describe(pdu));
            return handle(pdu);
        }
        finally
        {
            connection.Input.AdvanceTo(consumed);
        }
    }

    private static string Describe(in IscsiPdu pdu)
    {
        BasicHeaderSegment h = pdu.Header;
        string tag = string.Create(CultureInfo.InvariantCulture, $"ITT=0x{h.InitiatorTaskTag:x8}");
        if (pdu.Opcode is IscsiOpcode.LoginRequest or IscsiOpcode.LoginResponse or IscsiOpcode.TextRequest or IscsiOpcode.TextResponse
            && !pdu.DataSegment.IsEmpty)
        {
            return $"{tag} {FormatText(pdu.DataSegment)}";
        }

        return tag;
    }

    public static string FormatText(ReadOnlySequence<byte> text)
    {
        try
        {
            return string.Join(' ', TextCodec.Decode(text).Select(p => $"{p.Key}={p.Value}"));
        }
        catch (IscsiProtocolException e)
        {
            return $"(text not decodable: {e.Message})";
        }
    }

    private void Trace(string arrow, IscsiOpcode opcode, long wireLength, string detail) =>
        trace.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {side,-9} {arrow} {opcode,-26} {wireLength,5} B  {detail}"));

    private void FlushResultCheck(System.IO.Pipelines.FlushResult result)
    {
        if (result.IsCompleted || result.IsCanceled)
        {
            throw new IOException($"{side}: the connection closed while sending.");
        }
    }
}
