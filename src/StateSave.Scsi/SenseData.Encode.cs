using System.Buffers;
using System.Buffers.Binary;

namespace StateSave.Scsi;

public readonly partial record struct SenseData
{
    // Fixed format (SPC-5 §4.4.3):
    //   0      VALID | RESPONSE CODE (70h/71h)
    //   1      obsolete
    //   2      FILEMARK | EOM | ILI | reserved | SENSE KEY
    //   3-6    INFORMATION
    //   7      ADDITIONAL SENSE LENGTH (n - 7)
    //   8-11   COMMAND-SPECIFIC INFORMATION
    //   12     ADDITIONAL SENSE CODE
    //   13     ADDITIONAL SENSE CODE QUALIFIER
    //   14     FIELD REPLACEABLE UNIT CODE
    //   15-17  SKSV | SENSE KEY SPECIFIC
    private const int FixedSenseKey = 2;
    private const int FixedInformation = 3;
    private const int AdditionalSenseLengthOffset = 7;
    private const int FixedCommandSpecific = 8;
    private const int FixedAsc = 12;
    private const int FixedAscq = 13;
    private const int FixedFru = 14;
    private const int FixedSenseKeySpecific = 15;

    // Descriptor format (SPC-5 §4.4.2):
    //   0      reserved | RESPONSE CODE (72h/73h)
    //   1      reserved | SENSE KEY
    //   2      ADDITIONAL SENSE CODE
    //   3      ADDITIONAL SENSE CODE QUALIFIER
    //   4-6    reserved
    //   7      ADDITIONAL SENSE LENGTH (n - 7)
    //   8-n    sense data descriptors: DESCRIPTOR TYPE, ADDITIONAL LENGTH, then ADDITIONAL LENGTH bytes
    private const int DescriptorSenseKey = 1;
    private const int DescriptorAsc = 2;
    private const int DescriptorAscq = 3;

    // Descriptor types (SPC-5 §4.4.2.1) and their lengths including the two-byte header.
    private const byte InformationDescriptor = 0x00;          // 2: VALID, 4-11: INFORMATION
    private const byte CommandSpecificDescriptor = 0x01;      // 4-11: COMMAND-SPECIFIC INFORMATION
    private const byte SenseKeySpecificDescriptor = 0x02;     // 4-6: SKSV | SENSE KEY SPECIFIC
    private const byte FieldReplaceableUnitDescriptor = 0x03; // 3: FIELD REPLACEABLE UNIT CODE
    private const byte StreamCommandsDescriptor = 0x04;       // 3: FILEMARK | EOM | ILI
    private const byte BlockCommandsDescriptor = 0x05;        // 3: ILI (SBC-4)
    private const int InformationDescriptorLength = 12;
    private const int SenseKeySpecificDescriptorLength = 8;
    private const int ShortDescriptorLength = 4;

    private const byte FilemarkBit = 0x80;
    private const byte EndOfMediumBit = 0x40;
    private const byte IliBit = 0x20;
    private const byte ValidBit = 0x80;

    /// <summary>The number of bytes <see cref="Encode(Span{byte})"/> writes.</summary>
    public int EncodedLength => Format == SenseDataFormat.Fixed ? FixedFormatLength : DescriptorHeaderLength + DescriptorsLength;

    private int DescriptorsLength =>
        (Information.HasValue ? InformationDescriptorLength : 0)
        + (CommandSpecificInformation.HasValue ? InformationDescriptorLength : 0)
        + (SenseKeySpecific.IsValid ? SenseKeySpecificDescriptorLength : 0)
        + (FieldReplaceableUnitCode != 0 ? ShortDescriptorLength : 0)
        + (Filemark || EndOfMedium || IncorrectLengthIndicator ? ShortDescriptorLength : 0);

    /// <summary>Encodes into <paramref name="destination"/>; false when it is shorter than <see cref="EncodedLength"/>.</summary>
    public bool TryEncode(Span<byte> destination, out int bytesWritten)
    {
        int length = EncodedLength;
        if (destination.Length < length)
        {
            bytesWritten = 0;
            return false;
        }

        destination = destination[..length];
        destination.Clear();
        if (Format == SenseDataFormat.Fixed)
        {
            EncodeFixed(destination);
        }
        else
        {
            EncodeDescriptor(destination);
        }

        bytesWritten = length;
        return true;
    }

    /// <summary>Encodes into <paramref name="destination"/> and returns the length written.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="EncodedLength"/>.</exception>
    public int Encode(Span<byte> destination) =>
        TryEncode(destination, out int written)
            ? written
            : throw new ArgumentException($"Sense data needs {EncodedLength} bytes.", nameof(destination));

    /// <summary>Encodes into <paramref name="writer"/>, advances it, and returns the length written.</summary>
    public int Encode(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        int written = Encode(writer.GetSpan(EncodedLength));
        writer.Advance(written);
        return written;
    }

    private void EncodeFixed(Span<byte> destination)
    {
        bool valid = Information is { } info && info <= uint.MaxValue;
        destination[0] = (byte)(ResponseCode | (valid ? ValidBit : 0));
        destination[FixedSenseKey] = (byte)(StreamBits() | ((byte)SenseKey & 0x0f));
        if (valid)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[FixedInformation..], (uint)Information!.Value);
        }

        destination[AdditionalSenseLengthOffset] = FixedFormatLength - 8;
        if (CommandSpecificInformation is { } csi && csi <= uint.MaxValue)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[FixedCommandSpecific..], (uint)csi);
        }

        destination[FixedAsc] = AdditionalSenseCode.Asc;
        destination[FixedAscq] = AdditionalSenseCode.Ascq;
        destination[FixedFru] = FieldReplaceableUnitCode;
        SenseKeySpecific.WriteTo(destination[FixedSenseKeySpecific..]);
    }

    private void EncodeDescriptor(Span<byte> destination)
    {
        destination[0] = ResponseCode;
        destination[DescriptorSenseKey] = (byte)((byte)SenseKey & 0x0f);
        destination[DescriptorAsc] = AdditionalSenseCode.Asc;
        destination[DescriptorAscq] = AdditionalSenseCode.Ascq;
        destination[AdditionalSenseLengthOffset] = (byte)(destination.Length - 8);

        Span<byte> d = destination[DescriptorHeaderLength..];
        if (Information is { } info)
        {
            d[0] = InformationDescriptor;
            d[1] = InformationDescriptorLength - 2;
            d[2] = ValidBit;
            BinaryPrimitives.WriteUInt64BigEndian(d[4..], info);
            d = d[InformationDescriptorLength..];
        }

        if (CommandSpecificInformation is { } csi)
        {
            d[0] = CommandSpecificDescriptor;
            d[1] = InformationDescriptorLength - 2;
            BinaryPrimitives.WriteUInt64BigEndian(d[4..], csi);
            d = d[InformationDescriptorLength..];
        }

        if (SenseKeySpecific.IsValid)
        {
            d[0] = SenseKeySpecificDescriptor;
            d[1] = SenseKeySpecificDescriptorLength - 2;
            SenseKeySpecific.WriteTo(d[4..]);
            d = d[SenseKeySpecificDescriptorLength..];
        }

        if (FieldReplaceableUnitCode != 0)
        {
            d[0] = FieldReplaceableUnitDescriptor;
            d[1] = ShortDescriptorLength - 2;
            d[3] = FieldReplaceableUnitCode;
            d = d[ShortDescriptorLength..];
        }

        if (Filemark || EndOfMedium)
        {
            d[0] = StreamCommandsDescriptor;
            d[1] = ShortDescriptorLength - 2;
            d[3] = StreamBits();
        }
        else if (IncorrectLengthIndicator)
        {
            d[0] = BlockCommandsDescriptor;
            d[1] = ShortDescriptorLength - 2;
            d[3] = IliBit;
        }
    }

    private byte StreamBits() =>
        (byte)((Filemark ? FilemarkBit : 0) | (EndOfMedium ? EndOfMediumBit : 0) | (IncorrectLengthIndicator ? IliBit : 0));
}
