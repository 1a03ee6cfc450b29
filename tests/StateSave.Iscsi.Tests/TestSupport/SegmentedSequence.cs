using System.Buffers;

namespace StateSave.Iscsi.Tests.TestSupport;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s, so parsers are tested across segment boundaries.</summary>
internal static class SegmentedSequence
{
    /// <summary>Splits <paramref name="data"/> at each of <paramref name="splitPoints"/> (ascending offsets).</summary>
    public static ReadOnlySequence<byte> Create(ReadOnlyMemory<byte> data, params int[] splitPoints)
    {
        var bounds = new List<int> { 0 };
        bounds.AddRange(splitPoints.Where(p => p > 0 && p < data.Length));
        bounds.Add(data.Length);

        Segment? first = null;
        Segment? last = null;
        for (int i = 0; i + 1 < bounds.Count; i++)
        {
            // Each segment gets its own array so that reading past a segment end cannot silently succeed.
            ReadOnlyMemory<byte> piece = data[bounds[i]..bounds[i + 1]].ToArray();
            if (first is null)
            {
                first = last = new Segment(piece, 0);
            }
            else
            {
                last = last!.Append(piece);
            }
        }

        first ??= last = new Segment(ReadOnlyMemory<byte>.Empty, 0);
        return new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    /// <summary>One segment per byte.</summary>
    public static ReadOnlySequence<byte> OneBytePerSegment(ReadOnlyMemory<byte> data) =>
        Create(data, Enumerable.Range(1, Math.Max(0, data.Length - 1)).ToArray());

    /// <summary>Every way of cutting <paramref name="data"/> in two, plus the one-byte-per-segment form.</summary>
    public static IEnumerable<ReadOnlySequence<byte>> AllSplits(byte[] data)
    {
        for (int i = 1; i < data.Length; i++)
        {
            yield return Create(data, i);
        }

        yield return OneBytePerSegment(data);
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
