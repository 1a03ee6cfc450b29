namespace StateSave.Storage.BackingStores;

/// <summary>A run of logical blocks with one provisioning status (SBC-4 GET LBA STATUS, LBA status descriptor).</summary>
/// <param name="LogicalBlockAddress">First block of the run.</param>
/// <param name="BlockCount">Number of blocks in the run (at least 1).</param>
/// <param name="IsMapped">True when mapped; false when deallocated.</param>
public readonly record struct ProvisioningExtent(ulong LogicalBlockAddress, ulong BlockCount, bool IsMapped);
