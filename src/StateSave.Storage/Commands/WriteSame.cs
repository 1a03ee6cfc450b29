using System.Buffers;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.LogicalUnits;

namespace StateSave.Storage.Commands;

/// <summary>
/// WRITE SAME (10), (16) (SBC-4 §5.48, §5.49): one block of Data-Out (none with NDOB, meaning zeros)
/// written to every block of the range. With UNMAP on a thin unit the range is deallocated instead
/// (LBPRZ: deallocated blocks read as zeros). NUMBER OF LOGICAL BLOCKS 0 means from the LBA to the last logical
/// block (WSNZ = 0), within MAXIMUM WRITE SAME LENGTH like any other count; ANCHOR is not supported. The Data-Out
/// must be exactly one logical block.
/// </summary>
internal static class WriteSame
{
    private const CommandFlags Flags = CommandFlags.MediumAccess | CommandFlags.WritesMedium;

    public static IEnumerable<CommandDefinition> Definitions { get; } =
    [
        new(ScsiOpcode.WriteSame10, null, Usage.Cdb10(0x41, 0xfa), ExecuteAsync, Flags),
        new(ScsiOpcode.WriteSame16, null, Usage.Cdb16(0x93, 0xf9), ExecuteAsync, Flags),
    ];

    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        var logicalUnit = context.LogicalUnit;
        ReadOnlySpan<byte> cdbBytes = context.Cdb;
        BlockCdb cdb = BlockCdb.Decode(cdbBytes, context.Definition.CdbLength);
        bool anchor = (cdbBytes[1] & 0x10) != 0;
        bool unmap = (cdbBytes[1] & 0x08) != 0;
        bool noDataOutBuffer = cdbBytes[0] == (byte)ScsiOpcode.WriteSame16 && (cdbBytes[1] & 0x01) != 0;
        if (BlockCdb.Protect(cdbBytes) != 0)
        {
            return CommandResults.InvalidFieldInCdb(1, 7);
        }

        if (anchor)
        {
            return CommandResults.InvalidFieldInCdb(1, 4);
        }

        if (unmap && !logicalUnit.Options.ThinProvisioning)
        {
            return CommandResults.InvalidFieldInCdb(1, 3);
        }

        if (!logicalUnit.IsInRange(cdb.LogicalBlockAddress, 0) || (cdb.BlockCount == 0 && cdb.LogicalBlockAddress == logicalUnit.BlockCount))
        {
            return CommandResults.LogicalBlockAddressOutOfRange;
        }

        // SBC-4 §5.48: NUMBER OF LOGICAL BLOCKS 0 writes through the last logical block (the Block Limits page says WSNZ = 0).
        ulong count = cdb.BlockCount == 0 ? logicalUnit.BlockCount - cdb.LogicalBlockAddress : cdb.BlockCount;
        if (count > logicalUnit.Options.MaximumWriteSameLength || count > uint.MaxValue)
        {
            return CommandResults.InvalidFieldInCdb(cdb.CountOffset);
        }

        uint blockCount = (uint)count;
        if (!logicalUnit.IsInRange(cdb.LogicalBlockAddress, blockCount))
        {
            return CommandResults.LogicalBlockAddressOutOfRange;
        }

        int blockLength = logicalUnit.BlockLength;
        if (context.Command.ExpectedDataOutLength != (noDataOutBuffer ? 0u : (uint)blockLength))
        {
            return CommandResults.InvalidFieldInCdb(cdb.CountOffset);
        }

        int chunkBlocks = (int)Math.Min((uint)logicalUnit.BlocksPerChunk, blockCount);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(chunkBlocks * blockLength);
        try
        {
            Memory<byte> pattern = buffer.AsMemory(0, blockLength);
            if (noDataOutBuffer)
            {
                pattern.Span.Clear();
            }
            else if (await context.ReceiveDataOutAsync(pattern).ConfigureAwait(false) < blockLength)
            {
                return CommandResults.InvalidFieldInCdb(cdb.CountOffset);
            }

            using LbaRangeLease range = await logicalUnit.RangeLock.AcquireAsync(cdb.LogicalBlockAddress, blockCount, context.CancellationToken).ConfigureAwait(false);
            // UNMAP on a thin unit deallocates the range whatever the block holds (SBC-4 §4.7.3.4: the device server
            // deallocates when it can; deallocated blocks then read as zeros, LBPRZ). Initiators send zeros anyway,
            // and libiscsi's WriteSame10.UnmapUntilEnd sends the block it wrote before and expects zeros back.
            if (unmap)
            {
                await logicalUnit.Store.UnmapAsync(cdb.LogicalBlockAddress, blockCount, context.CancellationToken).ConfigureAwait(false);
                return ScsiCommandResult.Good;
            }

            for (int i = 1; i < chunkBlocks; i++)
            {
                pattern.Span.CopyTo(buffer.AsSpan(i * blockLength));
            }

            ulong lba = cdb.LogicalBlockAddress;
            uint remaining = blockCount;
            while (remaining > 0)
            {
                int blocks = (int)Math.Min((uint)chunkBlocks, remaining);
                await logicalUnit.Store.WriteAsync(lba, buffer.AsMemory(0, blocks * blockLength), context.CancellationToken).ConfigureAwait(false);
                lba += (ulong)blocks;
                remaining -= (uint)blocks;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await logicalUnit.FlushIfRequiredAsync(forceUnitAccess: false, context.CancellationToken).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }
}
