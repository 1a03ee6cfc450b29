using System.Collections.Concurrent;
using StateSave.Scsi.Server;

namespace StateSave.Storage.BackingStores;

/// <summary>
/// A block store in memory, sparse: data lives in 64 KiB chunks allocated on the first write into them,
/// so a large thin logical unit costs nothing until written. Unwritten and unmapped blocks read as zeros.
/// Thread-safe; each chunk copy happens under the chunk's lock.
/// </summary>
public sealed class MemoryBlockStore : IBlockStore, IDataInSource
{
    private const int ChunkBytes = 64 * 1024;

    private readonly ConcurrentDictionary<ulong, byte[]> _chunks = new();
    private readonly BlockMap _map;

    /// <summary>Creates a store of <paramref name="blockCount"/> blocks of <paramref name="blockLength"/> bytes (512 or 4096).</summary>
    public MemoryBlockStore(ulong blockCount, int blockLength = 512)
    {
        if (blockLength is not (512 or 4096))
        {
            throw new ArgumentOutOfRangeException(nameof(blockLength), blockLength, "The logical block length is 512 or 4096.");
        }

        ArgumentOutOfRangeException.ThrowIfZero(blockCount);
        BlockLength = blockLength;
        BlockCount = blockCount;
        _map = new BlockMap(blockCount);
    }

    public int BlockLength { get; }

    public ulong BlockCount { get; }

    public bool SupportsUnmap => true;

    /// <summary>Bytes of data chunks currently allocated.</summary>
    public long AllocatedBytes => (long)_chunks.Count * ChunkBytes;

    public ValueTask ReadAsync(ulong logicalBlockAddress, Memory<byte> destination, CancellationToken cancellationToken)
    {
        Read((long)(logicalBlockAddress * (ulong)BlockLength), destination.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Copies the bytes at byte <paramref name="offset"/> into <paramref name="destination"/> (the Data-In path that needs no staging buffer).</summary>
    public void Read(long offset, Span<byte> destination)
    {
        ulong position = (ulong)offset;
        while (!destination.IsEmpty)
        {
            ulong chunkIndex = position / ChunkBytes;
            int inChunk = (int)(position % ChunkBytes);
            int count = Math.Min(destination.Length, ChunkBytes - inChunk);
            if (_chunks.TryGetValue(chunkIndex, out byte[]? chunk))
            {
                lock (chunk)
                {
                    chunk.AsSpan(inChunk, count).CopyTo(destination);
                }
            }
            else
            {
                destination[..count].Clear();
            }

            destination = destination[count..];
            position += (ulong)count;
        }
    }

    public ValueTask WriteAsync(ulong logicalBlockAddress, ReadOnlyMemory<byte> source, CancellationToken cancellationToken)
    {
        ulong offset = logicalBlockAddress * (ulong)BlockLength;
        ReadOnlySpan<byte> span = source.Span;
        while (!span.IsEmpty)
        {
            ulong chunkIndex = offset / ChunkBytes;
            int inChunk = (int)(offset % ChunkBytes);
            int count = Math.Min(span.Length, ChunkBytes - inChunk);
            byte[] chunk = _chunks.GetOrAdd(chunkIndex, static _ => new byte[ChunkBytes]);
            lock (chunk)
            {
                span[..count].CopyTo(chunk.AsSpan(inChunk, count));
            }

            span = span[count..];
            offset += (ulong)count;
        }

        _map.SetMapped(logicalBlockAddress, (ulong)source.Length / (ulong)BlockLength, mapped: true);
        return ValueTask.CompletedTask;
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask UnmapAsync(ulong logicalBlockAddress, ulong blockCount, CancellationToken cancellationToken)
    {
        _map.SetMapped(logicalBlockAddress, blockCount, mapped: false);
        ulong offset = logicalBlockAddress * (ulong)BlockLength;
        ulong end = offset + (blockCount * (ulong)BlockLength);
        while (offset < end)
        {
            ulong chunkIndex = offset / ChunkBytes;
            int inChunk = (int)(offset % ChunkBytes);
            int count = (int)Math.Min(end - offset, (ulong)(ChunkBytes - inChunk));
            if (inChunk == 0 && count == ChunkBytes)
            {
                _chunks.TryRemove(chunkIndex, out _);
            }
            else if (_chunks.TryGetValue(chunkIndex, out byte[]? chunk))
            {
                lock (chunk)
                {
                    chunk.AsSpan(inChunk, count).Clear();
                }
            }

            offset += (ulong)count;
        }

        return ValueTask.CompletedTask;
    }

    public ProvisioningExtent GetProvisioningStatus(ulong logicalBlockAddress, ulong maximumBlockCount) =>
        _map.GetExtent(logicalBlockAddress, maximumBlockCount);
}
