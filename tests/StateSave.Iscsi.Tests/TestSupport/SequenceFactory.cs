using System.Buffers;

namespace StateSave.Iscsi.Tests.TestSupport;

/// <summary>Builds multi-segment sequences so parsers see data cut at arbitrary places.</summary>
public static class SequenceFactory
{
    /// <summary>A sequence over <paramref name="data"/> with a segment boundary at every split point.</summary>
    public static ReadOnlySequence<byte> Create(byte[] data, params int[] splitPoints)
    {
        var points = splitPoints.Where(p => p > 0 && p < data.Length).Distinct().Order().ToList();
        if (points.Count == 0)
        {
            return new ReadOnlySequence<byte>(data);
        }
        var starts = new List<int> { 0 };
        starts.AddRange(points);
        Segment? first = null;
        Segment? last = null;
        for (int i = 0; i < starts.Count; i++)
        {
            int end = i + 1 < starts.Count ? starts[i + 1] : data.Length;
            // Each segment gets its own array so reading past a segment's end cannot silently work.
            var memory = new ReadOnlyMemory<byte>(data[starts[i]..end]);
            if (first is null)
            {
                first = last = new Segment(memory, 0);
            }
            else
            {
                last = last!.Append(memory);
            }
        }
        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    /// <summary>Every way of cutting <paramref name="data"/> in two, plus the one-byte-per-segment form.</summary>
    public static IEnumerable<ReadOnlySequence<byte>> AllSplits(byte[] data)
    {
        for (int i = 1; i < data.Length; i++)
        {
            yield return Create(data, i);
        }
        yield return Create(data, Enumerable.Range(1, Math.Max(0, data.Length - 1)).ToArray());
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
