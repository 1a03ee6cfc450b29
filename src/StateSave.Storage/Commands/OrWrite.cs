using System.Buffers;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.LogicalUnits;

namespace StateSave.Storage.Commands;

/// <summary>ORWRITE (16) (SBC-4 §5.9): each block becomes the bitwise OR of the medium and the Data-Out, atomically per command.</summary>
internal static class OrWrite
{
    public static CommandDefinition Definition { get; } = new(ScsiOpcode.OrWrite16, null, Usage.Cdb16(0x8b, 0xfa), ExecuteAsync,
        CommandFlags.MediumAccess | CommandFlags.WritesMedium);

    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        var logicalUnit = context.LogicalUnit;
        BlockCdb cdb = BlockCdb.Decode(context.Cdb, 16);
        if (BlockCdb.Protect(context.Cdb) != 0)
        {
            return CommandResults.InvalidFieldInCdb(1, 7);
        }

        if (cdb.BlockCount > logicalUnit.Options.MaximumTransferLength)
        {
            return CommandResults.InvalidFieldInCdb(cdb.CountOffset);
        }

        if (!logicalUnit.IsInRange(cdb.LogicalBlockAddress, cdb.BlockCount))
        {
            return CommandResults.LogicalBlockAddressOutOfRange;
        }

        if (cdb.BlockCount == 0)
        {
            return ScsiCommandResult.Good;
        }

        int blockLength = logicalUnit.BlockLength;
        int chunkBlocks = (int)Math.Min((uint)logicalUnit.BlocksPerChunk, cdb.BlockCount);
        byte[] incoming = ArrayPool<byte>.Shared.Rent(chunkBlocks * blockLength);
        byte[] medium = ArrayPool<byte>.Shared.Rent(chunkBlocks * blockLength);
        try
        {
            using LbaRangeLease range = await logicalUnit.RangeLock.AcquireAsync(cdb.LogicalBlockAddress, cdb.BlockCount, context.CancellationToken).ConfigureAwait(false);
            ulong lba = cdb.LogicalBlockAddress;
            uint remaining = cdb.BlockCount;
            while (remaining > 0)
            {
                int blocks = (int)Math.Min((uint)chunkBlocks, remaining);
                int bytes = blocks * blockLength;
                int received = await context.ReceiveDataOutAsync(incoming.AsMemory(0, bytes)).ConfigureAwait(false);
                int whole = received / blockLength * blockLength;
                if (whole > 0)
                {
                    await logicalUnit.Store.ReadAsync(lba, medium.AsMemory(0, whole), context.CancellationToken).ConfigureAwait(false);
                    for (int i = 0; i < whole; i++)
                    {
                        medium[i] |= incoming[i];
                    }

                    await logicalUnit.Store.WriteAsync(lba, medium.AsMemory(0, whole), context.CancellationToken).ConfigureAwait(false);
                }

                if (whole < bytes)
                {
                    break;
                }

                lba += (ulong)blocks;
                remaining -= (uint)blocks;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(incoming);
            ArrayPool<byte>.Shared.Return(medium);
        }

        await logicalUnit.FlushIfRequiredAsync(BlockCdb.ForceUnitAccess(context.Cdb), context.CancellationToken).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }
}
