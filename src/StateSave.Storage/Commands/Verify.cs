using System.Buffers;
using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Commands;

/// <summary>
/// VERIFY (10), (12), (16) (SBC-4 §5.35-5.37). BYTCHK 00b: medium verification only (always succeeds
/// here); 01b: compare the Data-Out with the medium; 11b: compare one block of Data-Out with every
/// block; 10b: reserved (INVALID FIELD IN CDB). A difference is MISCOMPARE, MISCOMPARE DURING VERIFY
/// OPERATION with the byte offset of the first difference in INFORMATION.
/// </summary>
internal static class Verify
{
    public static IEnumerable<CommandDefinition> Definitions { get; } =
    [
        new(ScsiOpcode.Verify10, null, Usage.Cdb10(0x2f, 0xf6), ExecuteAsync, CommandFlags.MediumAccess),
        new(ScsiOpcode.Verify12, null, Usage.Cdb12(0xaf, 0xf6), ExecuteAsync, CommandFlags.MediumAccess),
        new(ScsiOpcode.Verify16, null, Usage.Cdb16(0x8f, 0xf6), ExecuteAsync, CommandFlags.MediumAccess),
    ];

    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        var logicalUnit = context.LogicalUnit;
        BlockCdb cdb = BlockCdb.Decode(context.Cdb, context.Definition.CdbLength);
        if (BlockCdb.Protect(context.Cdb) != 0)
        {
            return CommandResults.InvalidFieldInCdb(1, 7);
        }

        int byteCheck = (context.Cdb[1] >> 1) & 0x03;
        if (byteCheck == 0b10)
        {
            return CommandResults.InvalidFieldInCdb(1, 2);
        }

        if (cdb.BlockCount > logicalUnit.Options.MaximumTransferLength)
        {
            return CommandResults.InvalidFieldInCdb(cdb.CountOffset);
        }

        if (!logicalUnit.IsInRange(cdb.LogicalBlockAddress, cdb.BlockCount))
        {
            return CommandResults.LogicalBlockAddressOutOfRange;
        }

        if (byteCheck == 0 || cdb.BlockCount == 0)
        {
            return ScsiCommandResult.Good;
        }

        return await CompareAsync(context, cdb.LogicalBlockAddress, cdb.BlockCount, singleBlock: byteCheck == 0b11).ConfigureAwait(false);
    }

    /// <summary>Compares Data-Out with the medium, chunk by chunk.</summary>
    internal static async ValueTask<ScsiCommandResult> CompareAsync(CommandContext context, ulong logicalBlockAddress, uint blockCount, bool singleBlock)
    {
        var logicalUnit = context.LogicalUnit;
        int blockLength = logicalUnit.BlockLength;
        int chunkBlocks = (int)Math.Min((uint)logicalUnit.BlocksPerChunk, blockCount);
        byte[] expected = ArrayPool<byte>.Shared.Rent(chunkBlocks * blockLength);
        byte[] actual = ArrayPool<byte>.Shared.Rent(chunkBlocks * blockLength);
        try
        {
            if (singleBlock)
            {
                int received = await context.ReceiveDataOutAsync(expected.AsMemory(0, blockLength)).ConfigureAwait(false);
                if (received < blockLength)
                {
                    return CommandResults.ParameterListLengthError;
                }

                for (int i = 1; i < chunkBlocks; i++)
                {
                    expected.AsSpan(0, blockLength).CopyTo(expected.AsSpan(i * blockLength));
                }
            }

            ulong offset = 0;
            uint remaining = blockCount;
            while (remaining > 0)
            {
                int blocks = (int)Math.Min((uint)chunkBlocks, remaining);
                int bytes = blocks * blockLength;
                if (!singleBlock)
                {
                    int received = await context.ReceiveDataOutAsync(expected.AsMemory(0, bytes)).ConfigureAwait(false);
                    if (received < bytes)
                    {
                        return CommandResults.ParameterListLengthError;
                    }
                }

                await logicalUnit.Store.ReadAsync(logicalBlockAddress, actual.AsMemory(0, bytes), context.CancellationToken).ConfigureAwait(false);
                int difference = expected.AsSpan(0, bytes).CommonPrefixLength(actual.AsSpan(0, bytes));
                if (difference < bytes)
                {
                    return ScsiCommandResult.CheckCondition(SenseData.Miscompare(offset + (ulong)difference));
                }

                offset += (ulong)bytes;
                logicalBlockAddress += (ulong)blocks;
                remaining -= (uint)blocks;
            }

            return ScsiCommandResult.Good;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(expected);
            ArrayPool<byte>.Shared.Return(actual);
        }
    }
}
