using System.Buffers;

namespace StateSave.Benchmarks.Infrastructure;

/// <summary>
/// Builds a multi-segment <see cref="ReadOnlySequence{T}"/> over slices of one array, the way a
/// <c>Pipe</c> hands a large PDU to its reader: a short first segment, then fixed-size segments.
/// </summary>
public static class ChunkedSequence
{
    public static ReadOnlySequence<byte> Create(ReadOnlyMemory<byte> bytes, int firstSegmentLength, int segmentLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(firstSegmentLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(segmentLength);
        if (bytes.Length <= firstSegmentLength)
        {
            return new ReadOnlySequence<byte>(bytes);
        }

        var first = new Segment(bytes[..firstSegmentLength], 0);
        Segment last = first;
        for (int offset = firstSegmentLength; offset < bytes.Length; offset += segmentLength)
        {
            last = last.Append(bytes.Slice(offset, Math.Min(segmentLength, bytes.Length - offset)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
