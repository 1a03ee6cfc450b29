using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.Devices;

namespace StateSave.StorageSystem.Systems;

/// <summary>
/// COLLECT NOW (vendor-specific opcode C6h, 6-byte CDB, ALLOCATION LENGTH in byte 4): a host asks the storage system
/// to run a full in-band collection from all hosts now (specs/in-band-state-save.md §6). The command ends at once
/// with GOOD and 8 bytes of data: the FAILURE ID the collection's package is named after.
/// </summary>
internal sealed class CollectNowCommand(EmulatedStorageSystem storage) : IVendorCommandHandler
{
    public const byte OperationCode = 0xc6;

    public async ValueTask<ScsiCommandResult> ExecuteAsync(IScsiCommand command, CancellationToken cancellationToken)
    {
        ReadOnlySpan<byte> cdb = command.Cdb.Span;
        // The transport hands the CDB as received (iSCSI pads it to 16 bytes): six bytes count, the rest must be zero.
        if (cdb.Length < 6)
        {
            return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(CdbFieldError.InvalidOperationCode));
        }

        int reserved = cdb[1] != 0 ? 1 : cdb[2] != 0 ? 2 : cdb[3] != 0 ? 3 : cdb[5] != 0 ? 5 : -1;
        if (reserved >= 0)
        {
            return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(CdbFieldError.InvalidField((ushort)reserved)));
        }

        ulong failureId = storage.StartRequestedCollection(command.Nexus.InitiatorName);
        byte[] data = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(data, failureId);
        int length = Math.Min(cdb[4], data.Length);
        await command.SendDataInAsync(data.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }
}
