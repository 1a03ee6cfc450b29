using System.Buffers.Binary;

namespace StateSave.Scsi;

public readonly partial record struct SenseData
{
    /// <summary>Decodes fixed or descriptor sense data; never throws.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, out SenseData sense) => TryDecode(source, out sense, out _);

    /// <summary>
    /// Decodes fixed (70h/71h) or descriptor (72h/73h) sense data; never throws. ADDITIONAL SENSE LENGTH is
    /// trusted only up to the end of <paramref name="source"/>. Unknown descriptor types and the bytes after
    /// the fixed-format SENSE KEY SPECIFIC field are skipped. On <see cref="SenseDecodeError.Truncated"/> the
    /// method returns false, and <paramref name="sense"/> still holds the fields that were present.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, out SenseData sense, out SenseDecodeError error)
    {
        sense = default;
        if (source.IsEmpty)
        {
            error = SenseDecodeError.Empty;
            return false;
        }

        int responseCode = source[0] & 0x7f;
        bool deferred = (responseCode & 1) != 0;

        // Bytes the sense data claims, limited to what is really there.
        int end = source.Length > AdditionalSenseLengthOffset
            ? Math.Min(source.Length, 8 + source[AdditionalSenseLengthOffset])
            : source.Length;
        ReadOnlySpan<byte> data = source[..end];

        switch (responseCode)
        {
            case 0x70 or 0x71:
                error = DecodeFixed(data, (source[0] & ValidBit) != 0, deferred, out sense);
                break;
            case 0x72 or 0x73:
                error = DecodeDescriptor(data, deferred, out sense);
                break;
            default:
                error = SenseDecodeError.UnknownResponseCode;
                return false;
        }

        return error == SenseDecodeError.None;
    }

    private static SenseDecodeError DecodeFixed(ReadOnlySpan<byte> data, bool valid, bool deferred, out SenseData sense)
    {
        sense = new SenseData { Format = SenseDataFormat.Fixed, IsDeferred = deferred };
        if (data.Length > FixedSenseKey)
        {
            byte b = data[FixedSenseKey];
            sense = sense with
            {
                SenseKey = (SenseKey)(b & 0x0f),
                Filemark = (b & FilemarkBit) != 0,
                EndOfMedium = (b & EndOfMediumBit) != 0,
                IncorrectLengthIndicator = (b & IliBit) != 0,
            };
        }

        if (valid && data.Length >= FixedInformation + 4)
        {
            sense = sense with { Information = BinaryPrimitives.ReadUInt32BigEndian(data[FixedInformation..]) };
        }

        if (data.Length >= FixedCommandSpecific + 4 && BinaryPrimitives.ReadUInt32BigEndian(data[FixedCommandSpecific..]) is var csi and not 0)
        {
            sense = sense with { CommandSpecificInformation = csi };
        }

        if (data.Length <= FixedAscq)
        {
            return SenseDecodeError.Truncated;
        }

        sense = sense with { AdditionalSenseCode = new AdditionalSenseCode(data[FixedAsc], data[FixedAscq]) };
        if (data.Length > FixedFru)
        {
            sense = sense with { FieldReplaceableUnitCode = data[FixedFru] };
        }

        if (data.Length >= FixedSenseKeySpecific + 3 && (data[FixedSenseKeySpecific] & 0x80) != 0)
        {
            sense = sense with
            {
                SenseKeySpecific = SenseKeySpecific.FromBytes(data[FixedSenseKeySpecific], data[FixedSenseKeySpecific + 1], data[FixedSenseKeySpecific + 2]),
            };
        }

        return SenseDecodeError.None;
    }

    private static SenseDecodeError DecodeDescriptor(ReadOnlySpan<byte> data, bool deferred, out SenseData sense)
    {
        sense = new SenseData { Format = SenseDataFormat.Descriptor, IsDeferred = deferred };
        if (data.Length > DescriptorSenseKey)
        {
            sense = sense with { SenseKey = (SenseKey)(data[DescriptorSenseKey] & 0x0f) };
        }

        if (data.Length > DescriptorAscq)
        {
            sense = sense with { AdditionalSenseCode = new AdditionalSenseCode(data[DescriptorAsc], data[DescriptorAscq]) };
        }

        if (data.Length < DescriptorHeaderLength)
        {
            return SenseDecodeError.Truncated;
        }

        ReadOnlySpan<byte> d = data[DescriptorHeaderLength..];
        while (!d.IsEmpty)
        {
            if (d.Length < 2 || d.Length < 2 + d[1])
            {
                return SenseDecodeError.Truncated;
            }

            ReadOnlySpan<byte> descriptor = d[..(2 + d[1])];
            d = d[descriptor.Length..];
            sense = ApplyDescriptor(sense, descriptor);
        }

        return SenseDecodeError.None;
    }

    // A descriptor shorter than its type requires is ignored, like an unknown type.
    private static SenseData ApplyDescriptor(SenseData sense, ReadOnlySpan<byte> descriptor) => descriptor[0] switch
    {
        InformationDescriptor when descriptor.Length >= InformationDescriptorLength && (descriptor[2] & ValidBit) != 0 =>
            sense with { Information = BinaryPrimitives.ReadUInt64BigEndian(descriptor[4..]) },
        CommandSpecificDescriptor when descriptor.Length >= InformationDescriptorLength =>
            sense with { CommandSpecificInformation = BinaryPrimitives.ReadUInt64BigEndian(descriptor[4..]) },
        SenseKeySpecificDescriptor when descriptor.Length >= 7 && (descriptor[4] & 0x80) != 0 =>
            sense with { SenseKeySpecific = SenseKeySpecific.FromBytes(descriptor[4], descriptor[5], descriptor[6]) },
        FieldReplaceableUnitDescriptor when descriptor.Length >= ShortDescriptorLength =>
            sense with { FieldReplaceableUnitCode = descriptor[3] },
        StreamCommandsDescriptor when descriptor.Length >= ShortDescriptorLength =>
            sense with
            {
                Filemark = (descriptor[3] & FilemarkBit) != 0,
                EndOfMedium = (descriptor[3] & EndOfMediumBit) != 0,
                IncorrectLengthIndicator = (descriptor[3] & IliBit) != 0,
            },
        BlockCommandsDescriptor when descriptor.Length >= ShortDescriptorLength =>
            sense with { IncorrectLengthIndicator = (descriptor[3] & IliBit) != 0 },
        _ => sense,
    };
}
