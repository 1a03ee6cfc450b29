using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.LogicalUnits;

namespace StateSave.Storage.Commands;

/// <summary>
/// MODE SELECT (6) and (10) (SPC-5 §6.11, §6.12). The whole parameter list is validated before any page
/// changes; a change establishes MODE PARAMETERS CHANGED for the other I_T nexuses. SP = 1 is INVALID
/// FIELD IN CDB (no saved pages).
/// </summary>
internal static class ModeSelect
{
    /// <summary>Longer parameter lists cannot be valid (header, long block descriptor and every page fit well within).</summary>
    private const int MaximumParameterListLength = 1024;

    public static IEnumerable<CommandDefinition> Definitions { get; } =
    [
        new(ScsiOpcode.ModeSelect6, null, [0x15, 0x11, 0, 0, 0xff, 0x07], ExecuteAsync),
        new(ScsiOpcode.ModeSelect10, null, [0x55, 0x11, 0, 0, 0, 0, 0, 0xff, 0xff, 0x07], ExecuteAsync),
    ];

    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        bool ten = context.Cdb[0] == (byte)ScsiOpcode.ModeSelect10;
        if ((context.Cdb[1] & 0x01) != 0)
        {
            return CommandResults.InvalidFieldInCdb(1, 0);
        }

        int length = ten ? BinaryPrimitives.ReadUInt16BigEndian(context.Cdb[7..]) : context.Cdb[4];
        if (length == 0)
        {
            return ScsiCommandResult.Good;
        }

        int headerLength = ten ? 8 : 4;
        if (length < headerLength || length > MaximumParameterListLength)
        {
            return CommandResults.ParameterListLengthError;
        }

        byte[] list = new byte[length];
        if (await context.ReceiveDataOutAsync(list).ConfigureAwait(false) < length)
        {
            return CommandResults.ParameterListLengthError;
        }

        return Apply(context, list, ten, headerLength);
    }

    private static ScsiCommandResult Apply(CommandContext context, ReadOnlySpan<byte> list, bool ten, int headerLength)
    {
        BlockLogicalUnit logicalUnit = context.LogicalUnit;
        int descriptorLength = ten ? BinaryPrimitives.ReadUInt16BigEndian(list[6..]) : list[3];
        bool longLba = ten && (list[4] & 0x01) != 0;
        int descriptorLengthOffset = ten ? 6 : 3;
        if (descriptorLength != 0 && descriptorLength != (longLba ? 16 : 8))
        {
            return CommandResults.InvalidFieldInParameterList(descriptorLengthOffset);
        }

        if (headerLength + descriptorLength > list.Length)
        {
            return CommandResults.ParameterListLengthError;
        }

        if (descriptorLength != 0)
        {
            // The block descriptor may only restate the logical block length (SBC-4 §6.4.2).
            ReadOnlySpan<byte> descriptor = list.Slice(headerLength, descriptorLength);
            uint blockLength = longLba ? BinaryPrimitives.ReadUInt32BigEndian(descriptor[12..]) : BinaryPrimitives.ReadUInt32BigEndian(descriptor[4..]) & 0xff_ffff;
            if (blockLength != (uint)logicalUnit.BlockLength)
            {
                return CommandResults.InvalidFieldInParameterList(headerLength + (longLba ? 12 : 5));
            }
        }

        int pagesStart = headerLength + descriptorLength;
        for (int pass = 0; pass < 2; pass++)
        {
            bool changed = false;
            int offset = pagesStart;
            while (offset < list.Length)
            {
                if (list.Length - offset < 2)
                {
                    return CommandResults.ParameterListLengthError;
                }

                int pageLength = 2 + list[offset + 1];
                if (offset + pageLength > list.Length)
                {
                    return CommandResults.ParameterListLengthError;
                }

                if (!logicalUnit.ModeParameters.TryApply(list.Slice(offset, pageLength), apply: pass == 1, out bool pageChanged, out int errorOffset, out int? errorBit))
                {
                    return CommandResults.InvalidFieldInParameterList(offset + errorOffset, errorBit);
                }

                changed |= pageChanged;
                offset += pageLength;
            }

            if (pass == 1 && changed)
            {
                logicalUnit.OnModeParametersChanged(context.Nexus);
            }
        }

        return ScsiCommandResult.Good;
    }
}
