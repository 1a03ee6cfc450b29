namespace StateSave.Storage.BackingStores;

/// <summary>
/// The medium behind a direct-access logical unit, addressed in logical blocks. A firmware simulator
/// implements it for its own medium model; <see cref="MemoryBlockStore"/> and <see cref="SparseFileBlockStore"/>
/// are the built-in ones. Callers (the logical unit) check every range against <see cref="BlockCount"/>
/// first, and pass buffers that are whole multiples of <see cref="BlockLength"/>. Calls may run concurrently;
/// the logical unit serialises overlapping writes itself.
/// </summary>
public interface IBlockStore
{
    /// <summary>Bytes per logical block (512 or 4096).</summary>
    int BlockLength { get; }

    /// <summary>Number of logical blocks.</summary>
    ulong BlockCount { get; }

    /// <summary>True when <see cref="UnmapAsync"/> deallocates (thin provisioning), false when it only zeroes.</summary>
    bool SupportsUnmap { get; }

    /// <summary>Reads <c>destination.Length / BlockLength</c> blocks from <paramref name="logicalBlockAddress"/>; unwritten blocks read as zeros.</summary>
    ValueTask ReadAsync(ulong logicalBlockAddress, Memory<byte> destination, CancellationToken cancellationToken);

    /// <summary>Writes <c>source.Length / BlockLength</c> blocks at <paramref name="logicalBlockAddress"/>.</summary>
    ValueTask WriteAsync(ulong logicalBlockAddress, ReadOnlyMemory<byte> source, CancellationToken cancellationToken);

    /// <summary>Makes every completed write durable (SYNCHRONIZE CACHE, FUA).</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);

    /// <summary>Deallocates the blocks; they read as zeros afterwards (LBPRZ).</summary>
    ValueTask UnmapAsync(ulong logicalBlockAddress, ulong blockCount, CancellationToken cancellationToken);

    /// <summary>
    /// The provisioning status of the run of blocks starting at <paramref name="logicalBlockAddress"/>:
    /// mapped or deallocated, and how many blocks (at most <paramref name="maximumBlockCount"/>, at least 1) share it.
    /// </summary>
    ProvisioningExtent GetProvisioningStatus(ulong logicalBlockAddress, ulong maximumBlockCount);
}
