using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using StateSave.Scsi.Server;

namespace StateSave.Storage.BackingStores;

/// <summary>
/// A block store in a file, sized to the capacity with <see cref="FileStream.SetLength"/> so that the
/// file system keeps it sparse. Unmapping writes zeros (no hole punching) and records the block as
/// deallocated in a map kept beside the file (<c>&lt;path&gt;.map</c>), written on every flush and on
/// dispose so provisioning status survives a restart.
/// </summary>
public sealed class SparseFileBlockStore : IBlockStore, IDataInSource, IDisposable
{
    private const int ZeroBufferBytes = 1 << 20;

    private static readonly byte[] Zeros = new byte[ZeroBufferBytes];

    private readonly SafeFileHandle _handle;
    private readonly string _mapPath;
    private readonly BlockMap _map;
    private readonly Lock _mapFileLock = new();
    private bool _disposed;

    /// <summary>Opens or creates <paramref name="path"/> holding <paramref name="blockCount"/> blocks of <paramref name="blockLength"/> bytes.</summary>
    public SparseFileBlockStore(string path, ulong blockCount, int blockLength = 512)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (blockLength is not (512 or 4096))
        {
            throw new ArgumentOutOfRangeException(nameof(blockLength), blockLength, "The logical block length is 512 or 4096.");
        }

        ArgumentOutOfRangeException.ThrowIfZero(blockCount);
        BlockLength = blockLength;
        BlockCount = blockCount;
        _mapPath = path + ".map";
        _map = new BlockMap(blockCount);
        _handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, FileOptions.Asynchronous);
        long length = checked((long)(blockCount * (ulong)blockLength));
        if (RandomAccess.GetLength(_handle) != length)
        {
            RandomAccess.SetLength(_handle, length);
        }

        LoadMap();
    }

    public int BlockLength { get; }

    public ulong BlockCount { get; }

    public bool SupportsUnmap => true;

    public async ValueTask ReadAsync(ulong logicalBlockAddress, Memory<byte> destination, CancellationToken cancellationToken)
    {
        long offset = (long)(logicalBlockAddress * (ulong)BlockLength);
        int done = 0;
        while (done < destination.Length)
        {
            int read = await RandomAccess.ReadAsync(_handle, destination[done..], offset + done, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                destination.Span[done..].Clear();
                break;
            }

            done += read;
        }
    }

    /// <summary>
    /// Copies the bytes at byte <paramref name="offset"/> into <paramref name="destination"/> with a synchronous
    /// pread: the Data-In path reads the page cache straight into the connection's send buffers.
    /// </summary>
    public void Read(long offset, Span<byte> destination)
    {
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(_handle, destination, offset);
            if (read == 0)
            {
                destination.Clear();
                return;
            }

            destination = destination[read..];
            offset += read;
        }
    }

    /// <summary>
    /// Writes with a synchronous pwrite: the write lands in the page cache (durability is FlushAsync's job), which
    /// costs less than the two thread-pool hops of an asynchronous file write on Linux.
    /// </summary>
    public ValueTask WriteAsync(ulong logicalBlockAddress, ReadOnlyMemory<byte> source, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        RandomAccess.Write(_handle, source.Span, (long)(logicalBlockAddress * (ulong)BlockLength));
        _map.SetMapped(logicalBlockAddress, (ulong)source.Length / (ulong)BlockLength, mapped: true);
        return ValueTask.CompletedTask;
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        RandomAccess.FlushToDisk(_handle);
        SaveMap();
        return ValueTask.CompletedTask;
    }

    public async ValueTask UnmapAsync(ulong logicalBlockAddress, ulong blockCount, CancellationToken cancellationToken)
    {
        _map.SetMapped(logicalBlockAddress, blockCount, mapped: false);
        byte[] zeros = Zeros;
        ulong offset = logicalBlockAddress * (ulong)BlockLength;
        ulong end = offset + (blockCount * (ulong)BlockLength);
        while (offset < end)
        {
            int count = (int)Math.Min((ulong)zeros.Length, end - offset);
            await RandomAccess.WriteAsync(_handle, zeros.AsMemory(0, count), (long)offset, cancellationToken).ConfigureAwait(false);
            offset += (ulong)count;
        }
    }

    public ProvisioningExtent GetProvisioningStatus(ulong logicalBlockAddress, ulong maximumBlockCount) =>
        _map.GetExtent(logicalBlockAddress, maximumBlockCount);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        RandomAccess.FlushToDisk(_handle);
        SaveMap();
        _handle.Dispose();
    }

    // Map file: records of (chunk index: 8 bytes, BlocksPerChunk/64 words of 8 bytes), big-endian.
    private void SaveMap()
    {
        lock (_mapFileLock)
        {
            string temporary = _mapPath + ".tmp";
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            {
                Span<byte> word = stackalloc byte[8];
                foreach ((ulong index, ulong[] words) in _map.Chunks)
                {
                    BinaryPrimitives.WriteUInt64BigEndian(word, index);
                    stream.Write(word);
                    lock (words)
                    {
                        foreach (ulong w in words)
                        {
                            BinaryPrimitives.WriteUInt64BigEndian(word, w);
                            stream.Write(word);
                        }
                    }
                }

                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, _mapPath, overwrite: true);
        }
    }

    private void LoadMap()
    {
        if (!File.Exists(_mapPath))
        {
            return;
        }

        byte[] bytes = File.ReadAllBytes(_mapPath);
        int recordLength = 8 + (BlockMap.BlocksPerChunk / 64 * 8);
        for (int offset = 0; offset + recordLength <= bytes.Length; offset += recordLength)
        {
            ulong index = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(offset));
            var words = new ulong[BlockMap.BlocksPerChunk / 64];
            for (int i = 0; i < words.Length; i++)
            {
                words[i] = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(offset + 8 + (i * 8)));
            }

            _map.Load(index, words);
        }
    }
}
