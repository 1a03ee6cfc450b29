using System.Buffers;
using StateSave.StorageSystem.Packages;
using StateSave.Target.InBand;

namespace StateSave.StorageSystem.Collection;

/// <summary>Writes the data of State Save answers straight into a package entry (spooled, hashed).</summary>
internal sealed class SinkAdapter(PackageEntrySink entry) : IStateSaveDataSink
{
    public async ValueTask WriteAsync(ulong bufferOffset, ReadOnlySequence<byte> data, CancellationToken cancellationToken)
    {
        foreach (ReadOnlyMemory<byte> segment in data)
        {
            await entry.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
        }
    }
}
