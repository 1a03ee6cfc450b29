using System.Collections.Concurrent;

namespace StateSave.Storage.BackingStores;

/// <summary>
/// Which logical blocks are mapped, one bit per block, in chunks that exist only once a block of
/// theirs is written: a large thin logical unit costs nothing until used. Thread-safe.
/// </summary>
internal sealed class BlockMap
{
    /// <summary>Blocks per chunk of the map (one ulong[] of 64-bit words).</summary>
    public const int BlocksPerChunk = 4096;

    private readonly ConcurrentDictionary<ulong, ulong[]> _chunks = new();
    private readonly ulong _blockCount;

    public BlockMap(ulong blockCount) => _blockCount = blockCount;

    public IEnumerable<KeyValuePair<ulong, ulong[]>> Chunks => _chunks;

    public void Load(ulong chunkIndex, ulong[] words) => _chunks[chunkIndex] = words;

    public void SetMapped(ulong lba, ulong count, bool mapped)
    {
        ulong end = lba + count;
        while (lba < end)
        {
            ulong chunkIndex = lba / BlocksPerChunk;
            ulong chunkEnd = Math.Min(end, (chunkIndex + 1) * BlocksPerChunk);
            ulong[]? words = mapped ? _chunks.GetOrAdd(chunkIndex, static _ => new ulong[BlocksPerChunk / 64]) : _chunks.GetValueOrDefault(chunkIndex);
            if (words is not null)
            {
                lock (words)
                {
                    for (ulong b = lba; b < chunkEnd; b++)
                    {
                        int bit = (int)(b % BlocksPerChunk);
                        if (mapped)
                        {
                            words[bit >> 6] |= 1UL << (bit & 63);
                        }
                        else
                        {
                            words[bit >> 6] &= ~(1UL << (bit & 63));
                        }
                    }
                }
            }

            lba = chunkEnd;
        }
    }

    public bool IsMapped(ulong lba)
    {
        if (!_chunks.TryGetValue(lba / BlocksPerChunk, out ulong[]? words))
        {
            return false;
        }

        int bit = (int)(lba % BlocksPerChunk);
        lock (words)
        {
            return (words[bit >> 6] & (1UL << (bit & 63))) != 0;
        }
    }

    /// <summary>The run of blocks sharing the status of <paramref name="lba"/>, scanned a 64-bit word at a time.</summary>
    public ProvisioningExtent GetExtent(ulong lba, ulong maximumBlockCount)
    {
        bool mapped = IsMapped(lba);
        ulong limit = _blockCount - lba < maximumBlockCount ? _blockCount : lba + Math.Max(1, maximumBlockCount);
        ulong next = lba + 1;
        while (next < limit)
        {
            ulong chunkIndex = next / BlocksPerChunk;
            if (!_chunks.TryGetValue(chunkIndex, out ulong[]? words))
            {
                if (mapped)
                {
                    break;
                }

                next = (chunkIndex + 1) * BlocksPerChunk;
                continue;
            }

            int bit = (int)(next % BlocksPerChunk);
            ulong word;
            lock (words)
            {
                word = words[bit >> 6];
            }

            int shift = bit & 63;
            int available = 64 - shift;
            ulong differing = (mapped ? ~word : word) >> shift;
            if (available < 64)
            {
                differing &= (1UL << available) - 1;
            }

            if (differing != 0)
            {
                next += (ulong)System.Numerics.BitOperations.TrailingZeroCount(differing);
                break;
            }

            next += (ulong)available;
        }

        next = Math.Min(next, limit);
        return new ProvisioningExtent(lba, next - lba, mapped);
    }
}
