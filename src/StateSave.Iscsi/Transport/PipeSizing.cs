using System.IO.Pipelines;

namespace StateSave.Iscsi.Transport;

/// <summary>
/// Sizes a connection's pipes from the largest PDU this side will accept.
/// </summary>
/// <remarks>
/// <para>The largest PDU is: 48-byte Basic Header Segment + the Additional Header Segments (at most 255 four-byte words,
/// TotalAHSLength is one byte) + 4-byte header digest + the data segment (at most MaxRecvDataSegmentLength,
/// padded to a multiple of 4) + 4-byte data digest (RFC 7143 §11.2). Digests are counted whether or not they are
/// negotiated: eight bytes are not worth a second sizing path.</para>
/// <para>Rule: the input pipe pauses its writer at twice that size (never below the pipe's usual 64 KiB) and resumes it
/// at half the pause threshold, i.e. at no less than one largest PDU.</para>
/// <para>Why: the protocol reader waits for a whole PDU, consuming nothing until it is complete. While it waits, fewer
/// than one largest PDU is buffered, so a writer that pauses only at or above one largest PDU is never paused then,
/// whatever the reader reports as examined: no deadlock. When the writer is paused, at least one whole PDU is buffered
/// and the reader can consume it; once it has consumed every complete PDU, the partial PDU left is shorter than one
/// largest PDU, which is below the resume threshold, so the writer resumes. The factor of two lets the next PDU
/// arrive while the current one is processed, instead of stalling the receive loop every 64 KiB of a 16 MiB PDU.</para>
/// <para>Note: .NET's <see cref="Pipe"/> counts back-pressure against bytes the reader has not yet <em>examined</em>,
/// so a reader that sets examined to <c>buffer.End</c> while waiting would also get through with smaller thresholds.
/// The rule does not rely on that: it also holds for a reader whose examined position stops at the header it parsed,
/// and for pipe readers that count consumed bytes. Neither rule bounds memory; the PDU reader's check of every
/// declared length against the negotiated limit does.</para>
/// <para>The output pipe needs no such rule: the send loop consumes whatever is buffered, whole PDU or not, so its
/// threshold only limits how far the application may run ahead of the network.</para>
/// </remarks>
public static class PipeSizing
{
    /// <summary>Length of the Basic Header Segment (RFC 7143 §11.2.1).</summary>
    public const int BasicHeaderSegmentLength = 48;

    /// <summary>Length of a CRC32C header or data digest.</summary>
    public const int DigestLength = 4;

    /// <summary>Largest total AHS length: TotalAHSLength is one byte counting four-byte words.</summary>
    public const int MaxAdditionalHeaderSegmentLength = byte.MaxValue * 4;

    /// <summary>Largest MaxRecvDataSegmentLength the RFC allows (2^24 - 1, RFC 7143 §13.12).</summary>
    public const int MaxDataSegmentLength = (1 << 24) - 1;

    /// <summary>The pipe's usual pause threshold; thresholds are never sized below it.</summary>
    public const long DefaultPauseWriterThreshold = 64 * 1024;

    /// <summary>
    /// Output pipe thresholds (see the remarks on why the output needs no PDU-based sizing). 8 MiB: a queue depth of 32
    /// 128 KiB reads (4 MiB of Data-In) fits without pausing, so commands complete without waiting on a flush (a
    /// paused flush suspends every command behind it, each then allocating its state machines).
    /// </summary>
    public const long OutputPauseWriterThreshold = 8 * 1024 * 1024;

    /// <summary>The byte length of the largest PDU with at most these AHS and data segment lengths, digests included.</summary>
    public static long LargestPduLength(int maxRecvDataSegmentLength, int maxAdditionalHeaderSegmentLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRecvDataSegmentLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxRecvDataSegmentLength, MaxDataSegmentLength);
        ArgumentOutOfRangeException.ThrowIfNegative(maxAdditionalHeaderSegmentLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxAdditionalHeaderSegmentLength, MaxAdditionalHeaderSegmentLength);

        long paddedData = (maxRecvDataSegmentLength + 3L) & ~3L;
        return BasicHeaderSegmentLength + maxAdditionalHeaderSegmentLength + DigestLength + paddedData + DigestLength;
    }

    /// <summary>The input pipe's pause threshold: twice the largest PDU, at least <see cref="DefaultPauseWriterThreshold"/>.</summary>
    public static long InputPauseWriterThreshold(long largestPduLength) =>
        Math.Max(DefaultPauseWriterThreshold, 2 * largestPduLength);

    /// <summary>Options for the pipe that carries bytes from the peer to the application.</summary>
    public static PipeOptions CreateInputPipeOptions(TransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        long pause = InputPauseWriterThreshold(options.LargestPduLength);
        return Create(options, pause);
    }

    /// <summary>Options for the pipe that carries bytes from the application to the peer.</summary>
    public static PipeOptions CreateOutputPipeOptions(TransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Create(options, OutputPauseWriterThreshold);
    }

    private static PipeOptions Create(TransportOptions options, long pause) => new(
        pool: options.MemoryPool,
        pauseWriterThreshold: pause,
        resumeWriterThreshold: pause / 2,
        minimumSegmentSize: options.MinimumSegmentSize,
        useSynchronizationContext: false);
}
