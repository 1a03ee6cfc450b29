using System.Buffers.Binary;
using System.Text;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.LogicalUnits;

namespace StateSave.Storage.Commands;

/// <summary>INQUIRY (SPC-5 §6.7): standard data and the vital product data pages of a direct-access unit.</summary>
internal static class Inquiry
{
    public const byte SupportedVpdPages = 0x00;
    public const byte UnitSerialNumber = 0x80;
    public const byte DeviceIdentification = 0x83;
    public const byte ExtendedInquiryData = 0x86;
    public const byte ThirdPartyCopy = 0x8f;
    public const byte BlockLimits = 0xb0;
    public const byte BlockDeviceCharacteristics = 0xb1;
    public const byte LogicalBlockProvisioning = 0xb2;

    private static readonly byte[] PageCodes =
        [SupportedVpdPages, UnitSerialNumber, DeviceIdentification, ExtendedInquiryData, ThirdPartyCopy, BlockLimits, BlockDeviceCharacteristics, LogicalBlockProvisioning];

    public static CommandDefinition Definition { get; } = new(ScsiOpcode.Inquiry, null, [0x12, 0x01, 0xff, 0xff, 0xff, 0x07], ExecuteAsync,
        CommandFlags.IgnoresUnitAttention | CommandFlags.AllowedDuringSanitize);

    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        bool vitalProductData = (context.Cdb[1] & 0x01) != 0;
        byte pageCode = context.Cdb[2];
        uint allocationLength = BinaryPrimitives.ReadUInt16BigEndian(context.Cdb[3..]);
        BlockLogicalUnit logicalUnit = context.LogicalUnit;
        byte[]? data;
        if (!vitalProductData)
        {
            if (pageCode != 0)
            {
                return CommandResults.InvalidFieldInCdb(2);
            }

            data = StandardData(logicalUnit.Options, logicalUnit.PortGroups.TargetPortGroupSupport);
        }
        else
        {
            data = pageCode switch
            {
                SupportedVpdPages => Page(SupportedVpdPages, PageCodes),
                UnitSerialNumber => Page(UnitSerialNumber, Encoding.ASCII.GetBytes(logicalUnit.Options.UnitSerialNumber)),
                DeviceIdentification => Page(DeviceIdentification, DeviceIdentificationVpd.Designators(logicalUnit, context.Nexus)),
                ExtendedInquiryData => ExtendedInquiry(),
                ThirdPartyCopy => Copy.CopyManager.EncodeThirdPartyCopyVpdPage(),
                BlockLimits => BlockLimitsPage(logicalUnit.Options),
                BlockDeviceCharacteristics => BlockDeviceCharacteristicsPage(logicalUnit.Options),
                LogicalBlockProvisioning => LogicalBlockProvisioningPage(logicalUnit.Options),
                _ => null,
            };
            if (data is null)
            {
                return CommandResults.InvalidFieldInCdb(2);
            }
        }

        await context.SendDataInAsync(data, allocationLength).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }

    /// <summary>
    /// Standard INQUIRY data, 96 bytes. VERSION is 06h and the version descriptors name SAM-5, SPC-4,
    /// SBC-3 and iSCSI: initiators and conformance suites in use accept only those (the commands follow SPC-5/SBC-4).
    /// </summary>
    public static byte[] StandardData(BlockLogicalUnitOptions options, byte portGroupSupport)
    {
        byte[] data = new byte[96];
        data[0] = 0x00; // PERIPHERAL QUALIFIER 000b, PERIPHERAL DEVICE TYPE 00h (direct access block device)
        data[1] = options.Removable ? (byte)0x80 : (byte)0;
        data[2] = 0x06;
        data[3] = 0x12; // HISUP, RESPONSE DATA FORMAT 2
        data[4] = (byte)(data.Length - 5);
        data[5] = (byte)(((options.TargetPortGroupSupport ?? portGroupSupport) & 0x03) << 4); // TPGS
        data[7] = 0x02; // CMDQUE
        WriteAscii(data.AsSpan(8, 8), options.VendorIdentification);
        WriteAscii(data.AsSpan(16, 16), options.ProductIdentification);
        WriteAscii(data.AsSpan(32, 4), options.ProductRevisionLevel);
        ReadOnlySpan<ushort> versions = [0x00a0, 0x0460, 0x04c0, 0x0960];
        for (int i = 0; i < versions.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(58 + (2 * i)), versions[i]);
        }

        return data;
    }

    /// <summary>Left-aligned ASCII padded with spaces; characters outside 20h-7Eh become spaces.</summary>
    public static void WriteAscii(Span<byte> destination, string text)
    {
        destination.Fill((byte)' ');
        for (int i = 0; i < destination.Length && i < text.Length; i++)
        {
            char c = text[i];
            destination[i] = c is >= ' ' and <= '~' ? (byte)c : (byte)' ';
        }
    }

    private static byte[] Page(byte pageCode, ReadOnlySpan<byte> payload)
    {
        byte[] data = new byte[4 + payload.Length];
        data[1] = pageCode;
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2), (ushort)payload.Length);
        payload.CopyTo(data.AsSpan(4));
        return data;
    }

    // Extended INQUIRY Data (SPC-5 §7.7.7): HEADSUP, ORDSUP, SIMPSUP; LUICLR.
    private static byte[] ExtendedInquiry()
    {
        byte[] payload = new byte[0x3c];
        payload[1] = 0x07;
        payload[3] = 0x01;
        return Page(ExtendedInquiryData, payload);
    }

    // Block Limits (SBC-4 §6.6.4).
    private static byte[] BlockLimitsPage(BlockLogicalUnitOptions options)
    {
        byte[] payload = new byte[0x3c];
        Span<byte> p = payload;
        // WSNZ = 0: WRITE SAME with NUMBER OF LOGICAL BLOCKS 0 writes through the last logical block.
        p[1] = options.MaximumCompareAndWriteLength;
        BinaryPrimitives.WriteUInt16BigEndian(p[2..], 1); // OPTIMAL TRANSFER LENGTH GRANULARITY
        BinaryPrimitives.WriteUInt32BigEndian(p[4..], options.MaximumTransferLength);
        BinaryPrimitives.WriteUInt32BigEndian(p[8..], Math.Min(options.OptimalTransferLength, options.MaximumTransferLength));
        BinaryPrimitives.WriteUInt32BigEndian(p[12..], options.MaximumTransferLength); // MAXIMUM PREFETCH LENGTH
        if (options.ThinProvisioning)
        {
            BinaryPrimitives.WriteUInt32BigEndian(p[16..], options.MaximumUnmapLbaCount);
            BinaryPrimitives.WriteUInt32BigEndian(p[20..], options.MaximumUnmapBlockDescriptorCount);
            BinaryPrimitives.WriteUInt32BigEndian(p[24..], 1u << (options.LogicalBlocksPerPhysicalBlockExponent & 0x0f)); // OPTIMAL UNMAP GRANULARITY
        }

        BinaryPrimitives.WriteUInt64BigEndian(p[32..], options.MaximumWriteSameLength);
        if (options.MaximumAtomicTransferLength != 0)
        {
            BinaryPrimitives.WriteUInt32BigEndian(p[40..], options.MaximumAtomicTransferLength);
            BinaryPrimitives.WriteUInt32BigEndian(p[44..], 1); // ATOMIC ALIGNMENT
            BinaryPrimitives.WriteUInt32BigEndian(p[48..], 1); // ATOMIC TRANSFER LENGTH GRANULARITY
        }

        return Page(BlockLimits, payload);
    }

    // Block Device Characteristics (SBC-4 §6.6.2): MEDIUM ROTATION RATE, WABEREQ, WACEREQ.
    private static byte[] BlockDeviceCharacteristicsPage(BlockLogicalUnitOptions options)
    {
        byte[] payload = new byte[0x3c];
        BinaryPrimitives.WriteUInt16BigEndian(payload, options.MediumRotationRate);
        // WABEREQ 01b, WACEREQ 01b (reads after a block or cryptographic erase succeed) where those erases
        // exist, i.e. with thin provisioning; 00b otherwise.
        payload[3] = options.ThinProvisioning ? (byte)(0x40 | 0x10) : (byte)0;
        return Page(BlockDeviceCharacteristics, payload);
    }

    // Logical Block Provisioning (SBC-4 §6.6.6): LBPU, LBPWS, LBPWS10, LBPRZ 001b; PROVISIONING TYPE 010b (thin).
    private static byte[] LogicalBlockProvisioningPage(BlockLogicalUnitOptions options)
    {
        byte[] payload = new byte[4];
        if (options.ThinProvisioning)
        {
            payload[1] = 0x80 | 0x40 | 0x20 | 0x04;
            payload[2] = 0x02;
        }

        return Page(LogicalBlockProvisioning, payload);
    }
}
