using System.Buffers;
using System.Numerics;

namespace StateSave.Iscsi.Transport;

/// <summary>
/// The transports' default pipe memory: arrays in power-of-two size classes from 64 KiB to 1 MiB, kept for reuse
/// without limit in time (up to <see cref="BlocksPerClass"/> per class) and handed out through reusable owners, so a
/// connection in steady state allocates nothing — not even for a Data-In PDU written whole into one span (a 128 KiB
/// segment plus its header). The shared <see cref="ArrayPool{T}"/> keeps only a few large arrays per core and trims
/// them, which showed up as about 1 KiB allocated per 128 KiB read. Requests above 1 MiB fall back to that pool
/// (the pipe does this itself). Thread-safe.
/// </summary>
public sealed class BlockMemoryPool : MemoryPool<byte>
{
    /// <summary>The pool every transport uses unless <see cref="TransportOptions.MemoryPool"/> names another.</summary>
    public static BlockMemoryPool Default { get; } = new();

    /// <summary>The smallest block: the pipes' default segment size.</summary>
    public const int MinimumBlockSize = 64 * 1024;

    /// <summary>The largest block.</summary>
    public const int MaximumBlockSize = 1024 * 1024;

    /// <summary>Blocks kept per size class; more are dropped when returned.</summary>
    public const int BlocksPerClass = 256;

    private readonly SizeClass[] _classes;

    public BlockMemoryPool()
    {
        int count = BitOperations.Log2(MaximumBlockSize / MinimumBlockSize) + 1;
        _classes = new SizeClass[count];
        for (int i = 0; i < count; i++)
        {
            _classes[i] = new SizeClass(this, MinimumBlockSize << i);
        }
    }

    public override int MaxBufferSize => MaximumBlockSize;

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minBufferSize"/> is above <see cref="MaxBufferSize"/>.</exception>
    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, MaximumBlockSize);
        uint blocks = (uint)((Math.Max(minBufferSize, 1) + MinimumBlockSize - 1) / MinimumBlockSize);
        return _classes[BitOperations.Log2(BitOperations.RoundUpToPowerOf2(blocks))].Rent();
    }

    protected override void Dispose(bool disposing)
    {
        // The blocks are plain arrays: nothing to release.
    }

    private sealed class SizeClass(BlockMemoryPool pool, int blockSize)
    {
        private readonly Lock _lock = new();
        private readonly Stack<Block> _free = new();

        public Block Rent()
        {
            lock (_lock)
            {
                if (_free.TryPop(out Block? block))
                {
                    block.MarkRented();
                    return block;
                }
            }

            var fresh = new Block(this, GC.AllocateUninitializedArray<byte>(blockSize));
            fresh.MarkRented();
            return fresh;
        }

        public void Return(Block block)
        {
            lock (_lock)
            {
                if (_free.Count < BlocksPerClass)
                {
                    _free.Push(block);
                }
            }
        }

        public override string ToString() => $"{blockSize} bytes of {pool}";
    }

    private sealed class Block(SizeClass owner, byte[] array) : IMemoryOwner<byte>
    {
        private int _rented;

        public Memory<byte> Memory => array;

        public void MarkRented() => Volatile.Write(ref _rented, 1);

        public void Dispose()
        {
            // Idempotent: a second dispose must not put the block in the free list twice.
            if (Interlocked.Exchange(ref _rented, 0) == 1)
            {
                owner.Return(this);
            }
        }
    }
}
