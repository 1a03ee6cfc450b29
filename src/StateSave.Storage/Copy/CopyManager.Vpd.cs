using System.Buffers.Binary;
using StateSave.Scsi;

namespace StateSave.Storage.Copy;

// Third-party Copy VPD page (8Fh, SPC-5 §7.7.17) describing this copy manager, for INQUIRY.
public sealed partial class CopyManager
{
    public const byte ThirdPartyCopyPageCode = 0x8f;

    /// <summary>
    /// The Third-party Copy VPD page: a Supported Commands descriptor (0001h) listing EXTENDED COPY (LID1) and
    /// RECEIVE COPY RESULTS service actions 00h, 01h and 03h, and a Supported Descriptors descriptor (0008h).
    /// </summary>
    /// <param name="peripheral">Byte 0: PERIPHERAL QUALIFIER and PERIPHERAL DEVICE TYPE.</param>
    public static byte[] EncodeThirdPartyCopyVpdPage(byte peripheral = 0)
    {
        // Command support descriptors: OPERATION CODE, SERVICE ACTION LIST LENGTH, service actions.
        byte[] commands =
        [
            (byte)ScsiOpcode.ExtendedCopy, 1, (byte)ThirdPartyCopyOutServiceAction.ExtendedCopyLid1,
            (byte)ScsiOpcode.ReceiveCopyResults, 3, (byte)ThirdPartyCopyInServiceAction.ReceiveCopyStatusLid1,
            (byte)ThirdPartyCopyInServiceAction.ReceiveCopyDataLid1, (byte)ThirdPartyCopyInServiceAction.ReceiveCopyOperatingParameters,
        ];
        byte[] descriptors = [BlockToBlockSegmentDescriptor, IdentificationDescriptorTargetDescriptor];

        int supportedCommands = Pad4(5 + commands.Length);
        int supportedDescriptors = Pad4(5 + descriptors.Length);
        byte[] page = new byte[4 + supportedCommands + supportedDescriptors];
        page[0] = peripheral;
        page[1] = ThirdPartyCopyPageCode;
        BinaryPrimitives.WriteUInt16BigEndian(page.AsSpan(2), (ushort)(page.Length - 4));

        Span<byte> first = page.AsSpan(4, supportedCommands);
        BinaryPrimitives.WriteUInt16BigEndian(first, 0x0001);
        BinaryPrimitives.WriteUInt16BigEndian(first[2..], (ushort)(supportedCommands - 4));
        first[4] = (byte)commands.Length;
        commands.CopyTo(first[5..]);

        Span<byte> second = page.AsSpan(4 + supportedCommands, supportedDescriptors);
        BinaryPrimitives.WriteUInt16BigEndian(second, 0x0008);
        BinaryPrimitives.WriteUInt16BigEndian(second[2..], (ushort)(supportedDescriptors - 4));
        second[4] = (byte)descriptors.Length;
        descriptors.CopyTo(second[5..]);
        return page;
    }

    private static int Pad4(int length) => (length + 3) & ~3;
}
