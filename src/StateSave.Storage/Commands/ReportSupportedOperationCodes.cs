using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Commands;

/// <summary>
/// REPORT SUPPORTED OPERATION CODES (SPC-5 §6.35): all commands (8-byte descriptors, plus a 12-byte
/// command timeouts descriptor with RCTD), or one command (REPORTING OPTIONS 001b by operation code, 010b
/// by operation code and service action, 011b either) with its CDB usage data.
/// </summary>
internal static class ReportSupportedOperationCodes
{
    private const int TimeoutsDescriptorLength = 12;

    public static CommandDefinition Definition { get; } = new(ScsiOpcode.MaintenanceIn, (ushort)MaintenanceInServiceAction.ReportSupportedOperationCodes,
        [0xa3, 0x0c, 0x87, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x07], ExecuteAsync, CommandFlags.AllowedDuringSanitize);

    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        ReadOnlySpan<byte> cdb = context.Cdb;
        bool timeouts = (cdb[2] & 0x80) != 0;
        int options = cdb[2] & 0x07;
        byte opcode = cdb[3];
        ushort serviceAction = BinaryPrimitives.ReadUInt16BigEndian(cdb[4..]);
        uint allocationLength = BinaryPrimitives.ReadUInt32BigEndian(cdb[6..]);
        CommandTable table = context.LogicalUnit.Commands;
        byte[] data;
        switch (options)
        {
            case 0:
                data = All(table, timeouts);
                break;
            case 1 or 2 or 3:
                bool hasServiceActions = table.HasServiceActions(opcode);
                if ((options == 1 && hasServiceActions) || (options == 2 && !hasServiceActions))
                {
                    return CommandResults.InvalidFieldInCdb(3);
                }

                CommandDefinition? definition = hasServiceActions
                    ? (table.TryGet(opcode, serviceAction, out CommandDefinition withAction) ? withAction : null)
                    : (table.TryGet(opcode, out CommandDefinition plain) ? plain : null);
                data = One(definition, timeouts);
                break;
            default:
                return CommandResults.InvalidFieldInCdb(2, 2);
        }

        await context.SendDataInAsync(data, allocationLength).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }

    private static byte[] All(CommandTable table, bool timeouts)
    {
        IReadOnlyList<CommandDefinition> all = table.All;
        int descriptorLength = 8 + (timeouts ? TimeoutsDescriptorLength : 0);
        byte[] data = new byte[4 + (all.Count * descriptorLength)];
        BinaryPrimitives.WriteUInt32BigEndian(data, (uint)(data.Length - 4));
        for (int i = 0; i < all.Count; i++)
        {
            CommandDefinition definition = all[i];
            Span<byte> descriptor = data.AsSpan(4 + (i * descriptorLength), descriptorLength);
            descriptor[0] = (byte)definition.OperationCode;
            BinaryPrimitives.WriteUInt16BigEndian(descriptor[2..], definition.ServiceAction ?? 0);
            descriptor[5] = (byte)((timeouts ? 0x02 : 0) | (definition.ServiceAction is null ? 0 : 0x01)); // CTDP, SERVACTV
            BinaryPrimitives.WriteUInt16BigEndian(descriptor[6..], (ushort)definition.CdbLength);
            if (timeouts)
            {
                WriteTimeouts(descriptor[8..], definition);
            }
        }

        return data;
    }

    private static byte[] One(CommandDefinition? definition, bool timeouts)
    {
        if (definition is null)
        {
            return [0, 0x01, 0, 0]; // SUPPORT 001b: not supported
        }

        int length = definition.CdbLength;
        byte[] data = new byte[4 + length + (timeouts ? TimeoutsDescriptorLength : 0)];
        data[1] = (byte)((timeouts ? 0x80 : 0) | 0x03); // CTDP, SUPPORT 011b: supported as the standard says
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2), (ushort)length);
        for (int i = 0; i < length; i++)
        {
            data[4 + i] = definition.CdbUsageData[i];
        }

        if (timeouts)
        {
            WriteTimeouts(data.AsSpan(4 + length), definition);
        }

        return data;
    }

    // Command timeouts descriptor (SPC-5 §6.35.4): DESCRIPTOR LENGTH 000Ah, NOMINAL and RECOMMENDED timeouts.
    private static void WriteTimeouts(Span<byte> descriptor, CommandDefinition definition)
    {
        BinaryPrimitives.WriteUInt16BigEndian(descriptor, 0x000a);
        BinaryPrimitives.WriteUInt32BigEndian(descriptor[4..], definition.NominalTimeoutSeconds);
        BinaryPrimitives.WriteUInt32BigEndian(descriptor[8..], definition.RecommendedTimeoutSeconds);
    }
}
