using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.BackingStores;

namespace StateSave.Storage.Commands;

/// <summary>
/// GET LBA STATUS (16) (SBC-4 §5.8): LBA status descriptors (mapped 0h / deallocated 1h) from STARTING
/// LOGICAL BLOCK ADDRESS on, as many as the allocation length holds (at most 64).
/// </summary>
internal static class GetLbaStatus
{
    private const int MaximumDescriptors = 64;

    public static CommandDefinition Definition { get; } = new(ScsiOpcode.ServiceActionIn16, (ushort)ServiceActionIn16.GetLbaStatus16,
        [0x9e, 0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x07], ExecuteAsync, CommandFlags.MediumAccess);

    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        var logicalUnit = context.LogicalUnit;
        ulong lba = BinaryPrimitives.ReadUInt64BigEndian(context.Cdb[2..]);
        uint allocationLength = BinaryPrimitives.ReadUInt32BigEndian(context.Cdb[10..]);
        if (lba >= logicalUnit.BlockCount)
        {
            return CommandResults.LogicalBlockAddressOutOfRange;
        }

        int descriptors = (int)Math.Clamp((allocationLength - Math.Min(allocationLength, 8u)) / 16, 1, MaximumDescriptors);
        byte[] data = new byte[8 + (descriptors * 16)];
        int count = 0;
        while (count < descriptors && lba < logicalUnit.BlockCount)
        {
            ulong maximum = Math.Min(uint.MaxValue, logicalUnit.BlockCount - lba);
            ProvisioningExtent extent = logicalUnit.Options.ThinProvisioning
                ? logicalUnit.Store.GetProvisioningStatus(lba, maximum)
                : new ProvisioningExtent(lba, maximum, true);
            Span<byte> descriptor = data.AsSpan(8 + (count * 16), 16);
            BinaryPrimitives.WriteUInt64BigEndian(descriptor, extent.LogicalBlockAddress);
            BinaryPrimitives.WriteUInt32BigEndian(descriptor[8..], (uint)extent.BlockCount);
            descriptor[12] = extent.IsMapped ? (byte)0 : (byte)1;
            lba += extent.BlockCount;
            count++;
        }

        int length = 8 + (count * 16);
        BinaryPrimitives.WriteUInt32BigEndian(data, (uint)(length - 4));
        await context.SendDataInAsync(data.AsMemory(0, length), allocationLength).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }
}
