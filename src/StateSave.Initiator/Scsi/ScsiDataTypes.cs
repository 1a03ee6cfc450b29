using System.Buffers.Binary;
using System.Text;

namespace StateSave.Initiator.Scsi;

/// <summary>Standard INQUIRY data (SPC-5 §6.7.2).</summary>
public sealed record StandardInquiryData(byte PeripheralQualifier, byte PeripheralDeviceType, bool Removable, byte Version, byte ResponseDataFormat,
    byte TargetPortGroupSupport, string VendorIdentification, string ProductIdentification, string ProductRevisionLevel)
{
    public static StandardInquiryData Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < 36)
        {
            throw new FormatException($"Standard INQUIRY data of {data.Length} bytes is shorter than 36.");
        }

        return new StandardInquiryData((byte)(data[0] >> 5), (byte)(data[0] & 0x1F), (data[1] & 0x80) != 0, data[2], (byte)(data[3] & 0x0F),
            (byte)((data[5] >> 4) & 0x3), Ascii(data[8..16]), Ascii(data[16..32]), Ascii(data[32..36]));
    }

    internal static string Ascii(ReadOnlySpan<byte> bytes) => Encoding.ASCII.GetString(bytes).TrimEnd(' ', '\0');
}

/// <summary>Designator types of the Device Identification VPD page (SPC-5 §7.7.6.1).</summary>
public enum DesignatorType : byte
{
    VendorSpecific = 0x0,
    T10VendorIdentification = 0x1,
    Eui64 = 0x2,
    Naa = 0x3,
    RelativeTargetPort = 0x4,
    TargetPortGroup = 0x5,
    LogicalUnitGroup = 0x6,
    Md5LogicalUnitIdentifier = 0x7,
    ScsiNameString = 0x8,
    ProtocolSpecificPortIdentifier = 0x9,
    Uuid = 0xA,
}

/// <summary>What a designator identifies (SPC-5 §7.7.6.1, ASSOCIATION).</summary>
public enum DesignatorAssociation : byte
{
    LogicalUnit = 0,
    TargetPort = 1,
    TargetDevice = 2,
}

/// <summary>One designation descriptor of VPD page 83h.</summary>
public sealed record Designator(DesignatorAssociation Association, DesignatorType Type, byte CodeSet, byte ProtocolIdentifier, bool ProtocolIdentifierValid,
    ReadOnlyMemory<byte> Value)
{
    /// <summary>The relative target port identifier (type 4).</summary>
    public ushort? RelativeTargetPort => Type == DesignatorType.RelativeTargetPort && Value.Length >= 4 ? BinaryPrimitives.ReadUInt16BigEndian(Value.Span[2..]) : null;

    /// <summary>The target port group (type 5).</summary>
    public ushort? TargetPortGroup => Type == DesignatorType.TargetPortGroup && Value.Length >= 4 ? BinaryPrimitives.ReadUInt16BigEndian(Value.Span[2..]) : null;

    /// <summary>The NAA value as hex, e.g. "6001405..." (type 3).</summary>
    public string? Naa => Type == DesignatorType.Naa ? Convert.ToHexStringLower(Value.Span) : null;

    /// <summary>The text of a SCSI name string or T10 vendor designator.</summary>
    public string? Text => Type is DesignatorType.ScsiNameString or DesignatorType.T10VendorIdentification ? StandardInquiryData.Ascii(Value.Span) : null;

    /// <summary>Parses the descriptors of a Device Identification VPD page (including its 4-byte header).</summary>
    public static IReadOnlyList<Designator> ParsePage(ReadOnlySpan<byte> page)
    {
        var list = new List<Designator>();
        if (page.Length < 4)
        {
            return list;
        }

        int end = Math.Min(page.Length, 4 + BinaryPrimitives.ReadUInt16BigEndian(page[2..]));
        int offset = 4;
        while (offset + 4 <= end)
        {
            int length = page[offset + 3];
            if (offset + 4 + length > end)
            {
                break; // truncated by the allocation length
            }

            byte b0 = page[offset];
            byte b1 = page[offset + 1];
            list.Add(new Designator((DesignatorAssociation)((b1 >> 4) & 0x3), (DesignatorType)(b1 & 0xF), (byte)(b0 & 0xF), (byte)(b0 >> 4),
                (b1 & 0x80) != 0, page.Slice(offset + 4, length).ToArray()));
            offset += 4 + length;
        }

        return list;
    }
}

/// <summary>READ CAPACITY data (SBC-4 §5.19, §5.20).</summary>
public sealed record ReadCapacityData(ulong ReturnedLogicalBlockAddress, uint BlockLength, bool ProtectionEnabled, byte LogicalBlocksPerPhysicalBlockExponent,
    bool ThinProvisioningEnabled, bool ThinProvisioningReadZeros, ushort LowestAlignedLogicalBlockAddress)
{
    /// <summary>The number of logical blocks (last LBA + 1).</summary>
    public ulong BlockCount => ReturnedLogicalBlockAddress + 1;
}

/// <summary>Asymmetric access states (SPC-5 §5.16.2.4).</summary>
public enum AsymmetricAccessState : byte
{
    ActiveOptimized = 0x0,
    ActiveNonOptimized = 0x1,
    Standby = 0x2,
    Unavailable = 0x3,
    LogicalBlockDependent = 0x4,
    Offline = 0xE,
    Transitioning = 0xF,
}

/// <summary>One target port group descriptor of REPORT TARGET PORT GROUPS (SPC-5 §6.36).</summary>
public sealed record TargetPortGroupDescriptor(ushort TargetPortGroup, AsymmetricAccessState State, bool Preferred, byte SupportedStates, byte StatusCode,
    IReadOnlyList<ushort> RelativeTargetPorts)
{
    /// <summary>Parses the REPORT TARGET PORT GROUPS parameter data (length or extended header format).</summary>
    public static IReadOnlyList<TargetPortGroupDescriptor> ParseList(ReadOnlySpan<byte> data)
    {
        var list = new List<TargetPortGroupDescriptor>();
        if (data.Length < 4)
        {
            return list;
        }

        int end = (int)Math.Min(data.Length, 4L + BinaryPrimitives.ReadUInt32BigEndian(data));
        int offset = (data.Length >= 8 && (data[4] & 0x70) == 0x10) ? 8 : 4; // FORMAT TYPE 001b: extended header
        while (offset + 8 <= end)
        {
            int count = data[offset + 7];
            if (offset + 8 + (count * 4) > end)
            {
                break;
            }

            var ports = new ushort[count];
            for (int i = 0; i < count; i++)
            {
                ports[i] = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 8 + (i * 4) + 2)..]);
            }

            list.Add(new TargetPortGroupDescriptor(BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]), (AsymmetricAccessState)(data[offset] & 0x0F),
                (data[offset] & 0x80) != 0, data[offset + 1], data[offset + 5], ports));
            offset += 8 + (count * 4);
        }

        return list;
    }
}
