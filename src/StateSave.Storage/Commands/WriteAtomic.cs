using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.LogicalUnits;

namespace StateSave.Storage.Commands;

/// <summary>
/// WRITE ATOMIC (16) (SBC-4 §5.48): LBA bytes 2-9, ATOMIC BOUNDARY 10-11 (0 only), TRANSFER LENGTH 12-13.
/// The whole transfer is received first and written under the range lock, so no other writer interleaves.
/// </summary>
internal static class WriteAtomic
{
    public static CommandDefinition Definition { get; } = new(ScsiOpcode.WriteAtomic16, null,
        [0x9c, 0xfa, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3f, 0x07], ExecuteAsync,
        CommandFlags.MediumAccess | CommandFlags.WritesMedium);

    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        var logicalUnit = context.LogicalUnit;
        ReadOnlySpan<byte> cdb = context.Cdb;
        ulong lba = BinaryPrimitives.ReadUInt64BigEndian(cdb[2..]);
        ushort boundary = BinaryPrimitives.ReadUInt16BigEndian(cdb[10..]);
        ushort blocks = BinaryPrimitives.ReadUInt16BigEndian(cdb[12..]);
        bool forceUnitAccess = BlockCdb.ForceUnitAccess(cdb);
        if (BlockCdb.Protect(cdb) != 0)
        {
            return CommandResults.InvalidFieldInCdb(1, 7);
        }

        if (boundary != 0)
        {
            return CommandResults.InvalidFieldInCdb(10);
        }

        // The capacity is checked before the atomic length limit: a range past the end is LBA OUT OF RANGE
        // whatever its length.
        if (!logicalUnit.IsInRange(lba, blocks))
        {
            return CommandResults.LogicalBlockAddressOutOfRange;
        }

        if (blocks > logicalUnit.Options.MaximumAtomicTransferLength)
        {
            return CommandResults.InvalidFieldInCdb(12);
        }

        if (blocks == 0)
        {
            return ScsiCommandResult.Good;
        }

        int length = blocks * logicalUnit.BlockLength;
        (System.Buffers.IMemoryOwner<byte> owner, int received) = await BlockLogicalUnit.ReceiveBufferAsync(context, length).ConfigureAwait(false);
        using (owner)
        {
            int whole = received / logicalUnit.BlockLength * logicalUnit.BlockLength;
            if (whole > 0)
            {
                using LbaRangeLease range = await logicalUnit.RangeLock.AcquireAsync(lba, blocks, context.CancellationToken).ConfigureAwait(false);
                context.CancellationToken.ThrowIfCancellationRequested();
                await logicalUnit.Store.WriteAsync(lba, owner.Memory[..whole], context.CancellationToken).ConfigureAwait(false);
            }
        }

        await logicalUnit.FlushIfRequiredAsync(forceUnitAccess, context.CancellationToken).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }
}
