using System.Buffers;

namespace StateSave.Iscsi.Tests.Transport;

/// <summary>
/// Hands out exactly the requested size (so pipes build many tiny segments) and fills memory with a poison byte
/// when it is returned, so code that reads memory after AdvanceTo sees garbage instead of stale data.
/// </summary>
internal sealed class PoisoningMemoryPool(int blockSize) : MemoryPool<byte>
{
    public const byte Poison = 0xDD;

    private int _outstanding;

    public override int MaxBufferSize => blockSize;

    /// <summary>Blocks rented and not yet returned.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        Interlocked.Increment(ref _outstanding);
        return new Block(this, new byte[Math.Max(blockSize, minBufferSize)]);
    }

    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Block(PoisoningMemoryPool pool, byte[] array) : IMemoryOwner<byte>
    {
        private byte[]? _array = array;

        public Memory<byte> Memory => _array ?? throw new ObjectDisposedException(nameof(Block));

        public void Dispose()
        {
            byte[]? array = Interlocked.Exchange(ref _array, null);
            if (array is not null)
            {
                array.AsSpan().Fill(Poison);
                Interlocked.Decrement(ref pool._outstanding);
            }
        }
    }
}
