using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Copy;

// EXTENDED COPY (LID1) parameter list decoding (SPC-5 §6.4.2-§6.4.6).
public sealed partial class CopyManager
{
    private const int ListIdUsageNone = 0x3;

    private ScsiCommandResult? Parse(byte[] list, out CopyPlan plan)
    {
        plan = default;
        int targetListLength = BinaryPrimitives.ReadUInt16BigEndian(list.AsSpan(2));
        uint segmentListLength = BinaryPrimitives.ReadUInt32BigEndian(list.AsSpan(8));
        uint inlineLength = BinaryPrimitives.ReadUInt32BigEndian(list.AsSpan(12));
        if ((ulong)HeaderLength + (ulong)targetListLength + segmentListLength + inlineLength > (ulong)list.Length
            || (ulong)targetListLength + segmentListLength > _options.MaximumDescriptorListLength)
        {
            return ParameterListLengthError();
        }

        byte listIdentifier = list[0];
        int usage = (list[1] >> 3) & 0x3;
        if (usage == 0x1)
        {
            return InvalidParameter(AdditionalSenseCode.InvalidFieldInParameterList, 1, 4);
        }

        if (usage == ListIdUsageNone && listIdentifier != 0)
        {
            return InvalidParameter(AdditionalSenseCode.InvalidFieldInParameterList, 0);
        }

        if (ParseTargets(list.AsSpan(HeaderLength, targetListLength), out List<CopyTargetDesignator> targets) is { } badTarget)
        {
            return badTarget;
        }

        if (ParseSegments(list.AsSpan(HeaderLength + targetListLength, (int)segmentListLength), HeaderLength + targetListLength,
            out List<BlockSegment> segments) is { } badSegment)
        {
            return badSegment;
        }

        plan = new CopyPlan(listIdentifier, usage, targets, segments);
        return null;
    }

    // Target descriptors: 32 bytes (E0h-E9h) or 64 bytes (EAh, EBh). Identification descriptor (E4h):
    // 0 E4h, 1 LU ID TYPE(7-6) NUL(5) PERIPHERAL DEVICE TYPE(4-0), 2-3 RELATIVE INITIATOR PORT IDENTIFIER,
    // 4 CODE SET(3-0), 5 PIV(7) ASSOCIATION(5-4) DESIGNATOR TYPE(3-0), 7 DESIGNATOR LENGTH, 8-27 DESIGNATOR,
    // 28-31 device type specific (block: PAD, DISK BLOCK LENGTH).
    private ScsiCommandResult? ParseTargets(ReadOnlySpan<byte> descriptors, out List<CopyTargetDesignator> targets)
    {
        targets = [];
        var offsets = new List<int>();
        int offset = 0;
        while (offset < descriptors.Length)
        {
            byte type = descriptors[offset];
            int length = type switch
            {
                >= 0xe0 and <= 0xe9 => TargetDescriptorLength,
                0xea or 0xeb => LongTargetDescriptorLength,
                _ => 0,
            };
            if (length == 0)
            {
                return InvalidParameter(AdditionalSenseCode.UnsupportedTargetDescriptorTypeCode, HeaderLength + offset);
            }

            if (offset + length > descriptors.Length)
            {
                return InvalidParameter(AdditionalSenseCode.InvalidFieldInParameterList, 2);
            }

            offsets.Add(offset);
            offset += length;
        }

        if (offsets.Count > _options.MaximumTargetDescriptorCount)
        {
            return InvalidParameter(AdditionalSenseCode.TooManyTargetDescriptors, 2);
        }

        foreach (int start in offsets)
        {
            ReadOnlySpan<byte> descriptor = descriptors.Slice(start, TargetDescriptorLength);
            int field = HeaderLength + start;
            if (descriptor[0] != IdentificationDescriptorTargetDescriptor)
            {
                return InvalidParameter(AdditionalSenseCode.UnsupportedTargetDescriptorTypeCode, field);
            }

            // LU ID TYPE is ignored and NUL is obsolete (SPC-4 and later); only block devices are copy targets here.
            if ((descriptor[1] & 0x1f) != 0)
            {
                return InvalidParameter(AdditionalSenseCode.InvalidFieldInParameterList, field + 1, 4);
            }

            int designatorLength = descriptor[7];
            if (designatorLength > MaximumDesignatorLength)
            {
                return InvalidParameter(AdditionalSenseCode.InvalidFieldInParameterList, field + 7);
            }

            targets.Add(new CopyTargetDesignator((byte)(descriptor[4] & 0x0f), (byte)((descriptor[5] >> 4) & 0x3), (byte)(descriptor[5] & 0x0f),
                descriptor.Slice(8, designatorLength).ToArray()));
        }

        return null;
    }

    // Segment descriptors: 0 type, 1 DC(1) CAT(0), 2-3 DESCRIPTOR LENGTH (bytes after byte 3), 4-5 SOURCE TARGET DESCRIPTOR INDEX,
    // 6-7 DESTINATION TARGET DESCRIPTOR INDEX. Block to block (02h): 10-11 BLOCK DEVICE NUMBER OF BLOCKS,
    // 12-19 SOURCE BLOCK DEVICE LOGICAL BLOCK ADDRESS, 20-27 DESTINATION BLOCK DEVICE LOGICAL BLOCK ADDRESS.
    private ScsiCommandResult? ParseSegments(ReadOnlySpan<byte> descriptors, int listOffset, out List<BlockSegment> segments)
    {
        segments = [];
        var offsets = new List<int>();
        int offset = 0;
        while (offset < descriptors.Length)
        {
            if (offset + 4 > descriptors.Length)
            {
                return InvalidParameter(AdditionalSenseCode.InvalidFieldInParameterList, 8);
            }

            int length = 4 + BinaryPrimitives.ReadUInt16BigEndian(descriptors[(offset + 2)..]);
            if (offset + length > descriptors.Length)
            {
                return InvalidParameter(AdditionalSenseCode.InvalidFieldInParameterList, listOffset + offset + 2);
            }

            offsets.Add(offset);
            offset += length;
        }

        if (offsets.Count > _options.MaximumSegmentDescriptorCount)
        {
            return InvalidParameter(AdditionalSenseCode.TooManySegmentDescriptors, 8);
        }

        foreach (int start in offsets)
        {
            ReadOnlySpan<byte> descriptor = descriptors[start..];
            int field = listOffset + start;
            if (descriptor[0] != BlockToBlockSegmentDescriptor)
            {
                return InvalidParameter(AdditionalSenseCode.UnsupportedSegmentDescriptorTypeCode, field);
            }

            if (BinaryPrimitives.ReadUInt16BigEndian(descriptor[2..]) != BlockToBlockDescriptorLength)
            {
                return InvalidParameter(AdditionalSenseCode.InvalidFieldInParameterList, field + 2);
            }

            var segment = new BlockSegment(
                BinaryPrimitives.ReadUInt16BigEndian(descriptor[4..]),
                BinaryPrimitives.ReadUInt16BigEndian(descriptor[6..]),
                BinaryPrimitives.ReadUInt16BigEndian(descriptor[10..]),
                BinaryPrimitives.ReadUInt64BigEndian(descriptor[12..]),
                BinaryPrimitives.ReadUInt64BigEndian(descriptor[20..]),
                field);
            segments.Add(segment);
        }

        return null;
    }

    private readonly record struct CopyPlan(byte ListIdentifier, int ListIdUsage, List<CopyTargetDesignator> Targets, List<BlockSegment> Segments);

    // ListOffset: where the descriptor starts in the parameter list.
    private readonly record struct BlockSegment(ushort SourceIndex, ushort DestinationIndex, ushort Blocks, ulong SourceLogicalBlockAddress,
        ulong DestinationLogicalBlockAddress, int ListOffset);
}
