using System.Buffers.Binary;
using StateSave.Scsi;

namespace StateSave.Initiator.Scsi;

/// <summary>Encodes the CDBs the typed client sends (SPC-5, SBC-4) into a caller's span; no allocation.</summary>
public static class CdbBuilder
{
    public static int TestUnitReady(Span<byte> cdb) => Clear(cdb, 6, ScsiOpcode.TestUnitReady);

    /// <summary>INQUIRY (SPC-5 §6.7): EVPD and page code, 16-bit allocation length.</summary>
    public static int Inquiry(Span<byte> cdb, bool evpd, byte pageCode, ushort allocationLength)
    {
        Clear(cdb, 6, ScsiOpcode.Inquiry);
        cdb[1] = evpd ? (byte)1 : (byte)0;
        cdb[2] = pageCode;
        BinaryPrimitives.WriteUInt16BigEndian(cdb[3..], allocationLength);
        return 6;
    }

    /// <summary>REQUEST SENSE (SPC-5 §6.39): DESC selects descriptor-format sense.</summary>
    public static int RequestSense(Span<byte> cdb, bool descriptorFormat, byte allocationLength)
    {
        Clear(cdb, 6, ScsiOpcode.RequestSense);
        cdb[1] = descriptorFormat ? (byte)1 : (byte)0;
        cdb[4] = allocationLength;
        return 6;
    }

    public static int ReportLuns(Span<byte> cdb, byte selectReport, uint allocationLength)
    {
        Clear(cdb, 12, ScsiOpcode.ReportLuns);
        cdb[2] = selectReport;
        BinaryPrimitives.WriteUInt32BigEndian(cdb[6..], allocationLength);
        return 12;
    }

    public static int ReadCapacity10(Span<byte> cdb) => Clear(cdb, 10, ScsiOpcode.ReadCapacity10);

    /// <summary>READ CAPACITY (16): SERVICE ACTION IN (16) with service action 10h (SBC-4 §5.20).</summary>
    public static int ReadCapacity16(Span<byte> cdb, uint allocationLength)
    {
        Clear(cdb, 16, ScsiOpcode.ServiceActionIn16);
        cdb[1] = 0x10;
        BinaryPrimitives.WriteUInt32BigEndian(cdb[10..], allocationLength);
        return 16;
    }

    public static int Read10(Span<byte> cdb, uint logicalBlockAddress, ushort transferLength) =>
        ReadWrite10(cdb, ScsiOpcode.Read10, logicalBlockAddress, transferLength);

    public static int Write10(Span<byte> cdb, uint logicalBlockAddress, ushort transferLength) =>
        ReadWrite10(cdb, ScsiOpcode.Write10, logicalBlockAddress, transferLength);

    public static int Read16(Span<byte> cdb, ulong logicalBlockAddress, uint transferLength) =>
        ReadWrite16(cdb, ScsiOpcode.Read16, logicalBlockAddress, transferLength);

    public static int Write16(Span<byte> cdb, ulong logicalBlockAddress, uint transferLength) =>
        ReadWrite16(cdb, ScsiOpcode.Write16, logicalBlockAddress, transferLength);

    public static int SynchronizeCache10(Span<byte> cdb, uint logicalBlockAddress, ushort numberOfBlocks, bool immediate) =>
        ReadWrite10(cdb, ScsiOpcode.SynchronizeCache10, logicalBlockAddress, numberOfBlocks, immediate ? (byte)0x02 : (byte)0);

    /// <summary>MODE SENSE (10) (SPC-5 §6.14): DBD, page control, page and subpage.</summary>
    public static int ModeSense10(Span<byte> cdb, byte pageCode, byte subpageCode, byte pageControl, bool disableBlockDescriptors, ushort allocationLength)
    {
        Clear(cdb, 10, ScsiOpcode.ModeSense10);
        cdb[1] = disableBlockDescriptors ? (byte)0x08 : (byte)0;
        cdb[2] = (byte)((pageControl << 6) | (pageCode & 0x3F));
        cdb[3] = subpageCode;
        BinaryPrimitives.WriteUInt16BigEndian(cdb[7..], allocationLength);
        return 10;
    }

    /// <summary>PERSISTENT RESERVE IN (SPC-5 §6.16).</summary>
    public static int PersistentReserveIn(Span<byte> cdb, PersistentReserveInServiceAction serviceAction, ushort allocationLength)
    {
        Clear(cdb, 10, ScsiOpcode.PersistentReserveIn);
        cdb[1] = (byte)serviceAction;
        BinaryPrimitives.WriteUInt16BigEndian(cdb[7..], allocationLength);
        return 10;
    }

    /// <summary>PERSISTENT RESERVE OUT (SPC-5 §6.17) with a basic 24-byte parameter list.</summary>
    public static int PersistentReserveOut(Span<byte> cdb, PersistentReserveOutServiceAction serviceAction, PersistentReservationType type,
        uint parameterListLength)
    {
        Clear(cdb, 10, ScsiOpcode.PersistentReserveOut);
        cdb[1] = (byte)serviceAction;
        cdb[2] = (byte)type; // scope 0 (LU_SCOPE) in the high nibble
        BinaryPrimitives.WriteUInt32BigEndian(cdb[5..], parameterListLength);
        return 10;
    }

    /// <summary>REPORT TARGET PORT GROUPS: MAINTENANCE IN service action 0Ah (SPC-5 §6.36), extended header format.</summary>
    public static int ReportTargetPortGroups(Span<byte> cdb, uint allocationLength)
    {
        Clear(cdb, 12, ScsiOpcode.MaintenanceIn);
        cdb[1] = 0x0A;
        BinaryPrimitives.WriteUInt32BigEndian(cdb[6..], allocationLength);
        return 12;
    }

    /// <summary>READ BUFFER (10) (SPC-5 §6.18).</summary>
    public static int ReadBuffer10(Span<byte> cdb, byte mode, byte bufferId, uint bufferOffset, uint allocationLength)
    {
        Clear(cdb, 10, ScsiOpcode.ReadBuffer10);
        cdb[1] = (byte)(mode & 0x1F);
        cdb[2] = bufferId;
        Write24(cdb[3..], bufferOffset);
        Write24(cdb[6..], allocationLength);
        return 10;
    }

    /// <summary>WRITE BUFFER (SPC-5 §6.49).</summary>
    public static int WriteBuffer(Span<byte> cdb, byte mode, byte bufferId, uint bufferOffset, uint parameterListLength)
    {
        Clear(cdb, 10, ScsiOpcode.WriteBuffer);
        cdb[1] = (byte)(mode & 0x1F);
        cdb[2] = bufferId;
        Write24(cdb[3..], bufferOffset);
        Write24(cdb[6..], parameterListLength);
        return 10;
    }

    private static int ReadWrite10(Span<byte> cdb, ScsiOpcode opcode, uint logicalBlockAddress, ushort length, byte flags = 0)
    {
        Clear(cdb, 10, opcode);
        cdb[1] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(cdb[2..], logicalBlockAddress);
        BinaryPrimitives.WriteUInt16BigEndian(cdb[7..], length);
        return 10;
    }

    private static int ReadWrite16(Span<byte> cdb, ScsiOpcode opcode, ulong logicalBlockAddress, uint length)
    {
        Clear(cdb, 16, opcode);
        BinaryPrimitives.WriteUInt64BigEndian(cdb[2..], logicalBlockAddress);
        BinaryPrimitives.WriteUInt32BigEndian(cdb[10..], length);
        return 16;
    }

    private static void Write24(Span<byte> destination, uint value)
    {
        if (value > 0xFF_FFFF)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "The field holds 24 bits.");
        }

        destination[0] = (byte)(value >> 16);
        destination[1] = (byte)(value >> 8);
        destination[2] = (byte)value;
    }

    private static int Clear(Span<byte> cdb, int length, ScsiOpcode opcode)
    {
        cdb[..length].Clear();
        cdb[0] = (byte)opcode;
        return length;
    }
}
