using System.Buffers.Binary;
using System.Text;
using StateSave.Scsi.Server;
using StateSave.Storage.LogicalUnits;

namespace StateSave.Storage.Commands;

/// <summary>
/// Designation descriptors of the Device Identification VPD page (SPC-5 §7.7.6): the logical unit's NAA
/// and T10 vendor ID designators, and, from the I_T nexus, the target port's relative port, target port
/// group and SCSI name string (iSCSI, RFC 7143 §13.3), and the target device's SCSI name string.
/// </summary>
internal static class DeviceIdentificationVpd
{
    private const byte ProtocolIscsi = 0x5;
    private const byte CodeSetBinary = 0x1;
    private const byte CodeSetAscii = 0x2;
    private const byte CodeSetUtf8 = 0x3;
    private const byte AssociationLogicalUnit = 0b00;
    private const byte AssociationTargetPort = 0b01;
    private const byte AssociationTargetDevice = 0b10;

    public static byte[] Designators(BlockLogicalUnit logicalUnit, ITNexus nexus)
    {
        var output = new List<byte>(256);
        BlockLogicalUnitOptions options = logicalUnit.Options;

        byte[] naa = NaaDesignator(options);
        Add(output, CodeSetBinary, AssociationLogicalUnit, 0x3, naa, protocol: null);

        byte[] t10 = new byte[8 + options.UnitSerialNumber.Length];
        Inquiry.WriteAscii(t10.AsSpan(0, 8), options.VendorIdentification);
        Inquiry.WriteAscii(t10.AsSpan(8), options.UnitSerialNumber);
        Add(output, CodeSetAscii, AssociationLogicalUnit, 0x1, t10, protocol: null);

        byte[] relativePort = new byte[4];
        BinaryPrimitives.WriteUInt16BigEndian(relativePort.AsSpan(2), nexus.RelativeTargetPortIdentifier);
        Add(output, CodeSetBinary, AssociationTargetPort, 0x4, relativePort, ProtocolIscsi);

        byte[] portGroup = new byte[4];
        // The group REPORT TARGET PORT GROUPS puts this port in; a port in no configured group reports its TPGT.
        BinaryPrimitives.WriteUInt16BigEndian(portGroup.AsSpan(2), logicalUnit.PortGroups.GroupOf(nexus)?.Identifier ?? nexus.TargetPortGroup);
        Add(output, CodeSetBinary, AssociationTargetPort, 0x5, portGroup, ProtocolIscsi);

        Add(output, CodeSetUtf8, AssociationTargetPort, 0x8, NameString(nexus.TargetPortName), ProtocolIscsi);
        Add(output, CodeSetUtf8, AssociationTargetDevice, 0x8, NameString(nexus.TargetName), ProtocolIscsi);
        return [.. output];
    }

    /// <summary>The logical unit's NAA designator bytes (16, NAA 6h), as VPD page 83h and copy target descriptors carry them.</summary>
    public static byte[] NaaDesignator(BlockLogicalUnitOptions options)
    {
        byte[] naa = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(naa, options.NaaIdentifier ?? DeriveNaa(options));
        return naa;
    }

    /// <summary>NAA 6h (IEEE Registered Extended): NAA, IEEE COMPANY ID, then 100 bits from the serial number.</summary>
    private static UInt128 DeriveNaa(BlockLogicalUnitOptions options)
    {
        ulong hash = 14695981039346656037UL;
        foreach (char c in options.UnitSerialNumber)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        UInt128 value = (UInt128)0x6 << 124;
        value |= (UInt128)(options.IeeeCompanyId & 0xff_ffff) << 100;
        value |= (UInt128)hash << 36;
        return value;
    }

    /// <summary>A SCSI name string: UTF-8, NUL-terminated, padded with NULs to a multiple of four bytes.</summary>
    private static byte[] NameString(string name)
    {
        int length = Encoding.UTF8.GetByteCount(name);
        byte[] bytes = new byte[(length + 4) & ~3];
        Encoding.UTF8.GetBytes(name, bytes);
        return bytes;
    }

    private static void Add(List<byte> output, byte codeSet, byte association, byte designatorType, byte[] designator, byte? protocol)
    {
        output.Add((byte)(((protocol ?? 0) << 4) | codeSet));
        output.Add((byte)((protocol is null ? 0 : 0x80) | (association << 4) | designatorType));
        output.Add(0);
        output.Add((byte)designator.Length);
        output.AddRange(designator);
    }
}
