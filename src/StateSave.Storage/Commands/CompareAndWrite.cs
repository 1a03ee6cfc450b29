using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.LogicalUnits;

namespace StateSave.Storage.Commands;

/// <summary>
/// COMPARE AND WRITE (SBC-4 §5.3): Data-Out holds NUMBER OF LOGICAL BLOCKS of verify data then as many
/// of write data. Under the range lock (so atomic against every other writer) the medium is compared with
/// the verify data; on a difference the command ends in MISCOMPARE with the offset of the first differing
/// byte in INFORMATION, else the write data is written.
/// </summary>
internal static class CompareAndWrite
{
    public static CommandDefinition Definition { get; } = new(ScsiOpcode.CompareAndWrite, null,
        [0x89, 0xfa, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0xff, 0x3f, 0x07], ExecuteAsync,
        CommandFlags.MediumAccess | CommandFlags.WritesMedium);

    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        BlockLogicalUnit logicalUnit = context.LogicalUnit;
        ReadOnlySpan<byte> cdb = context.Cdb;
        ulong lba = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(cdb[2..]);
        byte blocks = cdb[13];
        bool forceUnitAccess = BlockCdb.ForceUnitAccess(cdb);
        if (BlockCdb.Protect(cdb) != 0)
        {
            return CommandResults.InvalidFieldInCdb(1, 7);
        }

        if (blocks > logicalUnit.Options.MaximumCompareAndWriteLength)
        {
            return CommandResults.InvalidFieldInCdb(13);
        }

        if (!logicalUnit.IsInRange(lba, blocks))
        {
            return CommandResults.LogicalBlockAddressOutOfRange;
        }

        // The Data-Out must be exactly the verify and write data; NUMBER OF LOGICAL BLOCKS 0 transfers
        // nothing, so Data-Out offered with it is as wrong as a length that does not match.
        int half = blocks * logicalUnit.BlockLength;
        if (context.Command.ExpectedDataOutLength != (uint)(2 * half))
        {
            return CommandResults.InvalidFieldInCdb(13);
        }

        if (blocks == 0)
        {
            return ScsiCommandResult.Good;
        }

        (System.Buffers.IMemoryOwner<byte> owner, int received) = await BlockLogicalUnit.ReceiveBufferAsync(context, 2 * half).ConfigureAwait(false);
        using (owner)
        {
            if (received < 2 * half)
            {
                return CommandResults.InvalidFieldInCdb(13);
            }

            Memory<byte> verify = owner.Memory[..half];
            Memory<byte> write = owner.Memory.Slice(half, half);
            byte[] current = new byte[half];
            using LbaRangeLease range = await logicalUnit.RangeLock.AcquireAsync(lba, blocks, context.CancellationToken).ConfigureAwait(false);
            await logicalUnit.Store.ReadAsync(lba, current, context.CancellationToken).ConfigureAwait(false);
            int same = current.AsSpan().CommonPrefixLength(verify.Span);
            if (same < half)
            {
                return ScsiCommandResult.CheckCondition(SenseData.Miscompare((ulong)same));
            }

            context.CancellationToken.ThrowIfCancellationRequested();
            await logicalUnit.Store.WriteAsync(lba, write, context.CancellationToken).ConfigureAwait(false);
        }

        await logicalUnit.FlushIfRequiredAsync(forceUnitAccess, context.CancellationToken).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }
}
