using System.Buffers;

namespace StateSave.Benchmarks.Infrastructure;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over one pre-allocated array, rewound with <see cref="Reset"/>: it never
/// allocates after construction, so whatever a benchmark allocates is the code under test.
/// </summary>
public sealed class FixedBufferWriter : IBufferWriter<byte>
{
    private readonly byte[] _buffer;
    private int _written;

    public FixedBufferWriter(int capacity)
    {
        _buffer = new byte[capacity];
    }

    /// <summary>Bytes written since the last <see cref="Reset"/>.</summary>
    public int WrittenCount => _written;

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    /// <summary>Rewinds to the start of the buffer (the old contents are left in place).</summary>
    public void Reset() => _written = 0;

    public void Advance(int count)
    {
        if ((uint)count > (uint)(_buffer.Length - _written))
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        _written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => _buffer.AsMemory(Reserve(sizeHint));

    public Span<byte> GetSpan(int sizeHint = 0) => _buffer.AsSpan(Reserve(sizeHint));

    private int Reserve(int sizeHint)
    {
        int free = _buffer.Length - _written;
        if (free < Math.Max(sizeHint, 1))
        {
            throw new InvalidOperationException($"The fixed buffer of {_buffer.Length} bytes is full ({sizeHint} bytes asked for, {free} free).");
        }

        return _written;
    }
}
