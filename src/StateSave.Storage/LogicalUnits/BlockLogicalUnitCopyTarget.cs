using StateSave.Storage.Commands;
using StateSave.Storage.Copy;

namespace StateSave.Storage.LogicalUnits;

/// <summary>
/// A block logical unit as an EXTENDED COPY source or destination (SPC-5 §5.17.3): reads straight from its store,
/// writes under its LBA range lock like any WRITE, so a copy and a COMPARE AND WRITE to the same blocks never interleave.
/// </summary>
internal sealed class BlockLogicalUnitCopyTarget(BlockLogicalUnit logicalUnit) : ICopyBlockDevice
{
    private readonly byte[] _naa = DeviceIdentificationVpd.NaaDesignator(logicalUnit.Options);

    public uint BlockLength => (uint)logicalUnit.BlockLength;

    public ulong BlockCount => logicalUnit.BlockCount;

    /// <summary>Whether a copy target descriptor names this logical unit (its NAA designator, association 0).</summary>
    public bool IsNamedBy(CopyTargetDesignator designator) =>
        designator.Matches(association: 0, CopyTargetDesignator.NaaDesignatorType, _naa);

    public ValueTask ReadAsync(ulong logicalBlockAddress, Memory<byte> destination, CancellationToken cancellationToken) =>
        logicalUnit.Store.ReadAsync(logicalBlockAddress, destination, cancellationToken);

    public async ValueTask WriteAsync(ulong logicalBlockAddress, ReadOnlyMemory<byte> source, CancellationToken cancellationToken)
    {
        if (logicalUnit.IsWriteProtected)
        {
            throw new IOException("The destination logical unit is write protected.");
        }

        ulong blocks = (ulong)(source.Length / logicalUnit.BlockLength);
        using LbaRangeLease range = await logicalUnit.RangeLock.AcquireAsync(logicalBlockAddress, blocks, cancellationToken).ConfigureAwait(false);
        await logicalUnit.Store.WriteAsync(logicalBlockAddress, source, cancellationToken).ConfigureAwait(false);
    }
}
