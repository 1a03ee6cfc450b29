using System.Buffers.Binary;
using System.Globalization;
using StateSave.Host.Hba;
using StateSave.Initiator.Commands;
using StateSave.Scsi;
using StateSave.Scsi.InBand;

namespace StateSave.Host.Failover;

// Host-initiated state saves (specs/in-band-state-save.md §6): the storage saves its state now, interlocked in time
// with the host's own log, through standard SPC error-history commands; or runs a full collection from every host.
public sealed partial class FailoverDriver
{
    /// <summary>The most one error history buffer read brings back (bytes).</summary>
    public const int MaximumStorageBuffer = 16 * 1024 * 1024;

    private const byte CreateSnapshotBufferId = 0x01;
    private const byte CollectNowOperationCode = 0xc6;

    /// <summary>
    /// Makes the storage save its state now: stamps the host's event log, then READ BUFFER (16) mode 1Ch BUFFER ID 01h
    /// on <paramref name="device"/> (which creates an error history snapshot — the storage controller's state), reads
    /// every buffer the directory lists, and releases the snapshot (BUFFER ID FFh). Paths fail over as for any I/O.
    /// </summary>
    public async Task<StorageStateSave> SaveStorageStateAsync(MultipathDevice device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        // The stamp and the request share one instant: the event's time is the one the result reports.
        DateTimeOffset requestedAt = Hba.Record(HbaEventKind.StateSaveRequest, "host", null,
            string.Create(CultureInfo.InvariantCulture, $"storage state save requested on {device.Name}")).Time;

        byte[] directory = await ReadErrorHistoryAsync(device, CreateSnapshotBufferId, 0, 64 * 1024, cancellationToken).ConfigureAwait(false);
        var buffers = new Dictionary<byte, byte[]>();
        try
        {
            IReadOnlyList<(byte BufferId, byte Format, uint MaximumLength)> listed = ErrorHistoryDirectory.Parse(directory)
                ?? throw new MultipathIoException($"The error history directory of {device.Name} is malformed.");
            foreach ((byte id, _, uint available) in listed)
            {
                buffers[id] = await ReadErrorHistoryAsync(device, id, 0, (uint)Math.Min(available, MaximumStorageBuffer), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await ReadErrorHistoryAsync(device, ErrorHistoryReadCdb.ReleaseBufferId, 0, 0, CancellationToken.None).ConfigureAwait(false);
        }

        return new StorageStateSave(requestedAt, device.Name, directory, buffers);
    }

    /// <summary>
    /// Asks the storage to run a full in-band collection from every host now (vendor COLLECT NOW, C6h); returns the
    /// FAILURE ID the collection's package is named after. The host's event log is stamped with it.
    /// </summary>
    public async Task<ulong> RequestStorageCollectionAsync(MultipathDevice device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        byte[] data = new byte[8];
        ScsiCommandResponse response = await device.ExecuteAsync([CollectNowOperationCode, 0, 0, 0, (byte)data.Length, 0], data, default, cancellationToken)
            .ConfigureAwait(false);
        if (!response.IsGood || response.DataInLength < data.Length)
        {
            throw new MultipathIoException($"COLLECT NOW on {device.Name} failed: {response}");
        }

        ulong failureId = BinaryPrimitives.ReadUInt64BigEndian(data);
        Hba.Record(HbaEventKind.StateSaveRequest, "host", null,
            string.Create(CultureInfo.InvariantCulture, $"storage collection {failureId:x16} requested on {device.Name}"));
        return failureId;
    }

    private static async Task<byte[]> ReadErrorHistoryAsync(MultipathDevice device, byte bufferId, ulong offset, uint allocationLength, CancellationToken cancellationToken)
    {
        // BUFFER ID 01h (create a snapshot) is not a host-side request of the in-band protocol, but the CDB is the same.
        byte[] cdb = new ErrorHistoryReadCdb(bufferId, offset, allocationLength).ToArray();
        byte[] data = new byte[allocationLength];
        ScsiCommandResponse response = await device.ExecuteAsync(cdb, data, default, cancellationToken).ConfigureAwait(false);
        if (!response.IsGood)
        {
            throw new MultipathIoException($"READ BUFFER mode 1Ch, BUFFER ID {bufferId:x2}h on {device.Name} failed: {response}");
        }

        return data.AsSpan(0, response.DataInLength).ToArray();
    }
}
