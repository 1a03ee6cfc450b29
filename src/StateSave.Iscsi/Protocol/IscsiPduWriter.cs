using System.Buffers;
using System.Diagnostics;
using StateSave.Iscsi.Digests;
using StateSave.Scsi.Server;

namespace StateSave.Iscsi.Protocol;

/// <summary>
/// Encodes PDUs straight into an <see cref="IBufferWriter{T}"/> (a <c>PipeWriter</c> in practice): the BHS and AHS
/// into the writer's own memory, then the caller's data segment, padding and digests. No intermediate arrays.
/// </summary>
public static class IscsiPduWriter
{
    private const int DigestLength = 4;

    /// <summary>Writes <paramref name="pdu"/>; returns the number of bytes written.</summary>
    /// <exception cref="ArgumentException">The data segment is over 2^24-1 bytes or the AHS area is malformed.</exception>
    public static int Write<TPdu>(IBufferWriter<byte> writer, in TPdu pdu, DigestOptions digests = DigestOptions.None)
        where TPdu : struct, IIscsiPdu<TPdu>
    {
        ArgumentNullException.ThrowIfNull(writer);
        ReadOnlySequence<byte> data = pdu.DataSegment;
        if (data.Length > BasicHeaderSegment.MaxDataSegmentLength)
        {
            throw new ArgumentException($"A data segment of {data.Length} bytes does not fit the 24-bit DataSegmentLength.", nameof(pdu));
        }

        int ahsLength = CheckedAhsLength(pdu);
        int dataLength = (int)data.Length;
        bool headerDigest = (digests & DigestOptions.HeaderDigest) != 0;
        int headerWireLength = HeaderWireLength(ahsLength, headerDigest);
        EncodeHeader(writer.GetSpan(headerWireLength)[..headerWireLength], pdu, ahsLength, dataLength, headerDigest);
        writer.Advance(headerWireLength);
        return headerWireLength + WriteDataSegment(writer, data, (digests & DigestOptions.DataDigest) != 0);
    }

    /// <summary>
    /// Writes <paramref name="pdu"/> with a data segment of <paramref name="dataLength"/> bytes that
    /// <paramref name="source"/> copies from <paramref name="sourceOffset"/> straight into the writer's memory (the PDU's
    /// own <c>DataSegment</c> is ignored). The whole PDU is one contiguous span, filled data first and advanced only
    /// once complete: when the source throws, nothing of the PDU has been written.
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    public static int WriteInPlace<TPdu>(IBufferWriter<byte> writer, in TPdu pdu, IDataInSource source, long sourceOffset, int dataLength, DigestOptions digests = DigestOptions.None)
        where TPdu : struct, IIscsiPdu<TPdu>
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(dataLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dataLength, BasicHeaderSegment.MaxDataSegmentLength);
        int ahsLength = CheckedAhsLength(pdu);
        bool headerDigest = (digests & DigestOptions.HeaderDigest) != 0;
        bool dataDigest = dataLength > 0 && (digests & DigestOptions.DataDigest) != 0;
        int headerWireLength = HeaderWireLength(ahsLength, headerDigest);
        int padded = IscsiPduReader.PaddedLength(dataLength);
        int total = headerWireLength + padded + (dataDigest ? DigestLength : 0);

        Span<byte> span = writer.GetSpan(total)[..total];
        Span<byte> data = span.Slice(headerWireLength, dataLength);
        source.Read(sourceOffset, data);
        span.Slice(headerWireLength + dataLength, padded - dataLength).Clear();
        if (dataDigest)
        {
            Crc32C.WriteDigest(span[(headerWireLength + padded)..], Crc32C.Compute(span.Slice(headerWireLength, padded)));
        }

        EncodeHeader(span[..headerWireLength], pdu, ahsLength, dataLength, headerDigest);
        writer.Advance(total);
        return total;
    }

    private static int CheckedAhsLength<TPdu>(in TPdu pdu)
        where TPdu : struct, IIscsiPdu<TPdu>
    {
        int ahsLength = pdu.AdditionalHeaderSegmentsLength;
        if (ahsLength < 0 || ahsLength > AdditionalHeaderSegment.MaxTotalLength || (ahsLength & 3) != 0)
        {
            throw new ArgumentException($"An AHS area of {ahsLength} bytes is not a multiple of 4 up to 1020.", nameof(pdu));
        }

        return ahsLength;
    }

    private static int HeaderWireLength(int ahsLength, bool headerDigest) =>
        BasicHeaderSegment.Length + ahsLength + (headerDigest ? DigestLength : 0);

    /// <summary>BHS, AHS and header digest into <paramref name="header"/> (exactly the header's wire length).</summary>
    private static void EncodeHeader<TPdu>(Span<byte> header, in TPdu pdu, int ahsLength, int dataLength, bool headerDigest)
        where TPdu : struct, IIscsiPdu<TPdu>
    {
        int headerLength = BasicHeaderSegment.Length + ahsLength;
        header[..BasicHeaderSegment.Length].Clear();
        pdu.EncodeHeader(header);
        header[BasicHeaderSegment.TotalAhsLengthOffset] = (byte)(ahsLength / 4);
        BasicHeaderSegment.WriteDataSegmentLength(header, dataLength);
        if (ahsLength > 0)
        {
            pdu.EncodeAdditionalHeaderSegments(header.Slice(BasicHeaderSegment.Length, ahsLength));
            Debug.Assert(AdditionalHeaderSegment.IsWellFormed(header.Slice(BasicHeaderSegment.Length, ahsLength)), "AHS encoded badly");
        }

        if (headerDigest)
        {
            Crc32C.WriteDigest(header[headerLength..], Crc32C.Compute(header[..headerLength]));
        }
    }

    /// <summary>Writes a data segment, its padding and (optionally) its digest; returns the bytes written.</summary>
    internal static int WriteDataSegment(IBufferWriter<byte> writer, in ReadOnlySequence<byte> data, bool dataDigest)
    {
        if (data.IsEmpty)
        {
            return 0; // No padding and no data digest for an empty data segment (RFC 7143 §11.2.3, §13.1).
        }

        uint crc = Crc32C.InitialValue;
        foreach (ReadOnlyMemory<byte> segment in data)
        {
            ReadOnlySpan<byte> source = segment.Span;
            if (dataDigest)
            {
                crc = Crc32C.Update(crc, source);
            }

            while (!source.IsEmpty)
            {
                Span<byte> destination = writer.GetSpan();
                int n = Math.Min(destination.Length, source.Length);
                source[..n].CopyTo(destination);
                writer.Advance(n);
                source = source[n..];
            }
        }

        int dataLength = (int)data.Length;
        int padding = IscsiPduReader.PaddedLength(dataLength) - dataLength;
        int trailerLength = padding + (dataDigest ? DigestLength : 0);
        Span<byte> trailer = writer.GetSpan(trailerLength)[..trailerLength];
        trailer[..padding].Clear();
        if (dataDigest)
        {
            crc = Crc32C.Update(crc, trailer[..padding]);
            Crc32C.WriteDigest(trailer[padding..], Crc32C.Finish(crc));
        }

        writer.Advance(trailerLength);
        return dataLength + trailerLength;
    }
}
