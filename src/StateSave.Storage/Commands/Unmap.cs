using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.LogicalUnits;

namespace StateSave.Storage.Commands;

/// <summary>
/// UNMAP (SBC-4 §5.31): an 8-byte header and 16-byte block descriptors (LBA, NUMBER OF LOGICAL BLOCKS).
/// Every descriptor is checked (count and LBA limits, capacity) before any block is deallocated.
/// </summary>
internal static class Unmap
{
    private const int HeaderLength = 8;
    private const int DescriptorLength = 16;

    public static CommandDefinition Definition { get; } = new(ScsiOpcode.Unmap, null, [0x42, 0x01, 0, 0, 0, 0, 0x3f, 0xff, 0xff, 0x07], ExecuteAsync,
        CommandFlags.MediumAccess | CommandFlags.WritesMedium);

    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        var logicalUnit = context.LogicalUnit;
        var options = logicalUnit.Options;
        if ((context.Cdb[1] & 0x01) != 0)
        {
            return CommandResults.InvalidFieldInCdb(1, 0); // ANCHOR: anchored state not supported (ANC_SUP = 0)
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(context.Cdb[7..]);
        if (length == 0)
        {
            return ScsiCommandResult.Good;
        }

        if (length < HeaderLength)
        {
            return CommandResults.ParameterListLengthError;
        }

        long limit = HeaderLength + ((long)options.MaximumUnmapBlockDescriptorCount * DescriptorLength);
        if (length > limit)
        {
            return CommandResults.InvalidFieldInParameterList(2);
        }

        byte[] list = new byte[length];
        int received = await context.ReceiveDataOutAsync(list).ConfigureAwait(false);
        if (received < length)
        {
            return CommandResults.ParameterListLengthError;
        }

        int dataLength = BinaryPrimitives.ReadUInt16BigEndian(list);
        int descriptorDataLength = BinaryPrimitives.ReadUInt16BigEndian(list.AsSpan(2));
        if (dataLength < 6 || descriptorDataLength % DescriptorLength != 0)
        {
            return CommandResults.InvalidFieldInParameterList(dataLength < 6 ? 0 : 2);
        }

        int count = Math.Min(descriptorDataLength, length - HeaderLength) / DescriptorLength;
        if (count > options.MaximumUnmapBlockDescriptorCount)
        {
            return CommandResults.InvalidFieldInParameterList(2);
        }

        for (int i = 0; i < count; i++)
        {
            int at = HeaderLength + (i * DescriptorLength);
            ulong lba = BinaryPrimitives.ReadUInt64BigEndian(list.AsSpan(at));
            uint blocks = BinaryPrimitives.ReadUInt32BigEndian(list.AsSpan(at + 8));
            if (blocks > options.MaximumUnmapLbaCount)
            {
                return CommandResults.InvalidFieldInParameterList(at + 8);
            }

            if (!logicalUnit.IsInRange(lba, blocks))
            {
                return CommandResults.LogicalBlockAddressOutOfRange;
            }
        }

        for (int i = 0; i < count; i++)
        {
            int at = HeaderLength + (i * DescriptorLength);
            ulong lba = BinaryPrimitives.ReadUInt64BigEndian(list.AsSpan(at));
            uint blocks = BinaryPrimitives.ReadUInt32BigEndian(list.AsSpan(at + 8));
            if (blocks == 0)
            {
                continue;
            }

            using LbaRangeLease range = await logicalUnit.RangeLock.AcquireAsync(lba, blocks, context.CancellationToken).ConfigureAwait(false);
            await logicalUnit.Store.UnmapAsync(lba, blocks, context.CancellationToken).ConfigureAwait(false);
        }

        return ScsiCommandResult.Good;
    }
}
