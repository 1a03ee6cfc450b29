using System.Buffers;
using System.IO.Pipelines;
using StateSave.Iscsi.Digests;

namespace StateSave.Iscsi.Protocol;

/// <summary>
/// Frames PDUs out of a received byte stream (RFC 7143 §11.2): BHS, AHS, header digest, data segment, padding,
/// data digest. Every declared length is checked against its limit before any of its bytes are waited for.
/// </summary>
public static class IscsiPduReader
{
    private const int DigestLength = 4;

    /// <summary>
    /// Reads one PDU from the front of <paramref name="buffer"/>. Returns false (leaving <paramref name="buffer"/>
    /// untouched) when more bytes are needed; on success slices the PDU off <paramref name="buffer"/>.
    /// </summary>
    /// <exception cref="IscsiProtocolException">
    /// The PDU is in error. When <see cref="IscsiProtocolException.BytesToSkip"/> is non-zero the stream is still
    /// framed: the connection layer discards that many bytes from the start of the buffer (see
    /// <see cref="SkipAsync"/>), answers with a Reject, and reads on. Otherwise it must close the connection.
    /// </exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, in PduReaderOptions options, out IscsiPdu pdu)
    {
        pdu = default;
        if (buffer.Length < BasicHeaderSegment.Length)
        {
            return false;
        }

        BasicHeaderSegment header = ReadHeader(buffer);
        int ahsLength = header.TotalAhsLength * 4;
        bool headerDigest = (options.Digests & DigestOptions.HeaderDigest) != 0;
        int headerLength = BasicHeaderSegment.Length + ahsLength + (headerDigest ? DigestLength : 0);

        // With a header digest nothing in the header is trusted until the digest matches; a mismatch means the
        // lengths cannot be trusted either, so the stream cannot be re-framed (RFC 7143 §7.8: at
        // ErrorRecoveryLevel 0 the connection is dropped).
        if (headerDigest)
        {
            if (buffer.Length < headerLength)
            {
                return false;
            }

            uint expected = Crc32C.Compute(buffer.Slice(0, headerLength - DigestLength));
            uint received = ReadDigest(buffer.Slice(headerLength - DigestLength, DigestLength));
            if (expected != received)
            {
                throw Error(ProtocolErrorCode.HeaderDigestError, ProtocolErrorAction.CloseConnection,
                    $"Header digest mismatch on {DescribeOpcode(header)}: received 0x{received:x8}, computed 0x{expected:x8}.",
                    null, header, 0);
            }
        }

        int dataSegmentLength = header.DataSegmentLength;
        long wireLength = headerLength + PaddedLength(dataSegmentLength)
            + ((options.Digests & DigestOptions.DataDigest) != 0 && dataSegmentLength > 0 ? DigestLength : 0);

        // The length is refused before waiting for the data, so a peer cannot make this side buffer more than
        // it declared. The stream is still framed (the length fields are intact), so the PDU can be skipped.
        if (dataSegmentLength > options.MaxRecvDataSegmentLength)
        {
            throw Error(ProtocolErrorCode.DataSegmentTooLong, ProtocolErrorAction.Reject,
                $"{DescribeOpcode(header)} has DataSegmentLength {dataSegmentLength}, over the declared MaxRecvDataSegmentLength {options.MaxRecvDataSegmentLength}.",
                RejectReason.ProtocolError, header, wireLength);
        }

        IscsiOpcode opcode = header.Opcode;
        if (!opcode.IsDefined())
        {
            throw Error(ProtocolErrorCode.ReservedOpcode, ProtocolErrorAction.Reject,
                $"Reserved opcode 0x{(byte)opcode:x2}.", RejectReason.CommandNotSupported, header, wireLength);
        }

        if ((options.Direction == PduDirection.FromInitiator && !opcode.IsInitiatorOpcode())
            || (options.Direction == PduDirection.FromTarget && opcode.IsInitiatorOpcode()))
        {
            throw Error(ProtocolErrorCode.UnexpectedOpcode, ProtocolErrorAction.Reject,
                $"Opcode {opcode} (0x{(byte)opcode:x2}) is not valid in this direction.", RejectReason.ProtocolError, header, wireLength);
        }

        if (buffer.Length < wireLength)
        {
            return false;
        }

        ReadOnlySequence<byte> ahs = buffer.Slice(BasicHeaderSegment.Length, ahsLength);
        if (ahsLength > 0 && !IsWellFormedAhs(ahs))
        {
            throw Error(ProtocolErrorCode.InvalidAdditionalHeaderSegment, ProtocolErrorAction.Reject,
                $"{DescribeOpcode(header)}: the AHS entries do not fit TotalAHSLength {ahsLength} bytes.",
                RejectReason.ProtocolError, header, wireLength);
        }

        ReadOnlySequence<byte> data = buffer.Slice(headerLength, dataSegmentLength);
        if ((options.Digests & DigestOptions.DataDigest) != 0 && dataSegmentLength > 0)
        {
            int paddedLength = PaddedLength(dataSegmentLength);
            uint expected = Crc32C.Compute(buffer.Slice(headerLength, paddedLength));
            uint received = ReadDigest(buffer.Slice(headerLength + paddedLength, DigestLength));
            if (expected != received)
            {
                // The header was good, so the PDU can be discarded and answered (RFC 7143 §7.8, §11.17.1).
                throw Error(ProtocolErrorCode.DataDigestError, ProtocolErrorAction.Reject,
                    $"Data digest mismatch on {DescribeOpcode(header)} ({dataSegmentLength} bytes): received 0x{received:x8}, computed 0x{expected:x8}.",
                    RejectReason.DataDigestError, header, wireLength);
            }
        }

        pdu = new IscsiPdu(header, ahs, data, wireLength);
        buffer = buffer.Slice(wireLength);
        return true;
    }

    /// <summary>
    /// Reads one PDU from a pipe. Returns false at a clean end of stream (no partial PDU pending). The PDU is
    /// valid until the next read from <paramref name="reader"/>: the caller must call <see cref="PipeReader.AdvanceTo(SequencePosition)"/>
    /// with the returned Consumed position after using it.
    /// </summary>
    /// <exception cref="IscsiProtocolException">Bad input, or <see cref="ProtocolErrorCode.TruncatedPdu"/> when the stream ends inside a PDU.</exception>
    public static async ValueTask<(bool Read, IscsiPdu Pdu, SequencePosition Consumed)> ReadAsync(
        PipeReader reader, PduReaderOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            bool framed;
            IscsiPdu pdu;
            try
            {
                framed = TryRead(ref buffer, options, out pdu);
            }
            catch (IscsiProtocolException)
            {
                reader.AdvanceTo(result.Buffer.Start);
                throw;
            }

            if (framed)
            {
                return (true, pdu, buffer.Start);
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                reader.AdvanceTo(result.Buffer.End);
                if (result.Buffer.IsEmpty && result.IsCompleted)
                {
                    return (false, default, default);
                }

                if (result.IsCanceled && !result.IsCompleted)
                {
                    throw new OperationCanceledException("The read was cancelled.");
                }

                throw new IscsiProtocolException(ProtocolErrorCode.TruncatedPdu, ProtocolErrorAction.CloseConnection,
                    $"The stream ended inside a PDU ({result.Buffer.Length} bytes of it received).");
            }

            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>
    /// Discards <paramref name="length"/> bytes from <paramref name="reader"/> as they arrive, without buffering
    /// them all: used to step over a PDU that was answered with a Reject.
    /// </summary>
    public static async ValueTask SkipAsync(PipeReader reader, long length, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        while (length > 0)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            long take = Math.Min(length, result.Buffer.Length);
            reader.AdvanceTo(result.Buffer.GetPosition(take));
            length -= take;
            if (length > 0 && (result.IsCompleted || result.IsCanceled))
            {
                throw new IscsiProtocolException(ProtocolErrorCode.TruncatedPdu, ProtocolErrorAction.CloseConnection,
                    "The stream ended inside a PDU that was being discarded.");
            }
        }
    }

    /// <summary>DataSegmentLength rounded up to a 4-byte boundary (RFC 7143 §11.2.3).</summary>
    public static int PaddedLength(int dataSegmentLength) => (dataSegmentLength + 3) & ~3;

    private static BasicHeaderSegment ReadHeader(in ReadOnlySequence<byte> buffer)
    {
        ReadOnlySpan<byte> first = buffer.FirstSpan;
        if (first.Length >= BasicHeaderSegment.Length)
        {
            return new BasicHeaderSegment(first);
        }

        Span<byte> copy = stackalloc byte[BasicHeaderSegment.Length];
        buffer.Slice(0, BasicHeaderSegment.Length).CopyTo(copy);
        return new BasicHeaderSegment(copy);
    }

    private static uint ReadDigest(in ReadOnlySequence<byte> digest)
    {
        Span<byte> bytes = stackalloc byte[DigestLength];
        digest.CopyTo(bytes);
        return Crc32C.ReadDigest(bytes);
    }

    private static bool IsWellFormedAhs(in ReadOnlySequence<byte> ahs)
    {
        if (ahs.IsSingleSegment)
        {
            return AdditionalHeaderSegment.IsWellFormed(ahs.FirstSpan);
        }

        Span<byte> copy = stackalloc byte[AdditionalHeaderSegment.MaxTotalLength];
        ahs.CopyTo(copy);
        return AdditionalHeaderSegment.IsWellFormed(copy[..(int)ahs.Length]);
    }

    private static string DescribeOpcode(in BasicHeaderSegment header) => $"opcode 0x{(byte)header.Opcode:x2}";

    private static IscsiProtocolException Error(ProtocolErrorCode code, ProtocolErrorAction action, string message,
        RejectReason? reason, in BasicHeaderSegment header, long bytesToSkip)
    {
        Span<byte> bhs = stackalloc byte[BasicHeaderSegment.Length];
        header.CopyTo(bhs);
        return new IscsiProtocolException(code, action, message, reason, bhs, bytesToSkip);
    }
}
