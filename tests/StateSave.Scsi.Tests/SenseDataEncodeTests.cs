using System.Buffers;

namespace StateSave.Scsi.Tests;

/// <summary>
/// Byte-exact sense data vectors, derived by hand from SPC-5 §4.4.2 (descriptor format) and §4.4.3
/// (fixed format). Each vector states where every byte comes from.
/// </summary>
public class SenseDataEncodeTests
{
    // Fixed format, ILLEGAL REQUEST / INVALID FIELD IN CDB, field pointer to CDB byte 2, no bit pointer:
    //   0     70   VALID=0, RESPONSE CODE 70h (current, fixed)
    //   1     00   obsolete
    //   2     05   FILEMARK/EOM/ILI = 0, SENSE KEY 5h ILLEGAL REQUEST
    //   3-6   00   INFORMATION (VALID = 0)
    //   7     0A   ADDITIONAL SENSE LENGTH = 18 - 8
    //   8-11  00   COMMAND-SPECIFIC INFORMATION
    //   12    24   ASC INVALID FIELD IN CDB
    //   13    00   ASCQ
    //   14    00   FIELD REPLACEABLE UNIT CODE
    //   15    C0   SKSV (80h) | C/D = 1 (40h), BPV = 0, BIT POINTER 0
    //   16-17 0002 FIELD POINTER = 2
    private const string FixedInvalidFieldInCdb = "70 00 05 00 00 00 00 0A 00 00 00 00 24 00 00 C0 00 02";

    // Fixed format, MEDIUM ERROR / UNRECOVERED READ ERROR at LBA 12345678h:
    //   0     F0   VALID (80h) | 70h
    //   2     03   SENSE KEY MEDIUM ERROR
    //   3-6   12345678 INFORMATION = the LBA
    //   7     0A   ADDITIONAL SENSE LENGTH
    //   12-13 11 00 UNRECOVERED READ ERROR
    private const string FixedMediumError = "F0 00 03 12 34 56 78 0A 00 00 00 00 11 00 00 00 00 00";

    // Fixed format, ILLEGAL REQUEST / INVALID FIELD IN CDB, RDPROTECT (byte 1, bits 7-5) in error:
    //   15    CF   SKSV 80h | C/D 40h | BPV 08h | BIT POINTER 7 (leftmost bit of the field)
    //   16-17 0001 FIELD POINTER = 1
    private const string FixedBitPointer = "70 00 05 00 00 00 00 0A 00 00 00 00 24 00 00 CF 00 01";

    // Fixed format, deferred error: NOT READY / FORMAT IN PROGRESS, 50 % done:
    //   0     71   VALID=0, RESPONSE CODE 71h (deferred, fixed)
    //   2     02   SENSE KEY NOT READY
    //   12-13 04 04 LOGICAL UNIT NOT READY, FORMAT IN PROGRESS
    //   15    80   SKSV
    //   16-17 8000 PROGRESS INDICATION = 32768 / 65536
    private const string FixedDeferredProgress = "71 00 02 00 00 00 00 0A 00 00 00 00 04 04 00 80 80 00";

    // Descriptor format, ILLEGAL REQUEST / INVALID FIELD IN CDB, field pointer to CDB byte 2:
    //   0     72   RESPONSE CODE 72h (current, descriptor)
    //   1     05   SENSE KEY ILLEGAL REQUEST
    //   2-3   24 00 ASC/ASCQ
    //   4-6   00   reserved
    //   7     08   ADDITIONAL SENSE LENGTH = one 8-byte descriptor
    //   8     02   DESCRIPTOR TYPE: sense key specific
    //   9     06   ADDITIONAL LENGTH
    //   10-11 00   reserved
    //   12    C0   SKSV | C/D
    //   13-14 0002 FIELD POINTER
    //   15    00   reserved
    private const string DescriptorInvalidFieldInCdb = "72 05 24 00 00 00 00 08 02 06 00 00 C0 00 02 00";

    // Descriptor format, MEDIUM ERROR / UNRECOVERED READ ERROR at the 64-bit LBA 1_0000_0000h, with ILI:
    //   0-3   72 03 11 00
    //   7     10   ADDITIONAL SENSE LENGTH = 12 + 4
    //   8-19  information descriptor: TYPE 00, ADDITIONAL LENGTH 0A, VALID (80h), reserved,
    //         INFORMATION 00 00 00 01 00 00 00 00
    //   20-23 block commands descriptor: TYPE 05, ADDITIONAL LENGTH 02, reserved, ILI (20h)
    private const string DescriptorMediumErrorIli =
        "72 03 11 00 00 00 00 10 00 0A 80 00 00 00 00 01 00 00 00 00 05 02 00 20";

    // Descriptor format, UNIT ATTENTION / POWER ON OCCURRED, deferred, no descriptors:
    //   0 73 (deferred, descriptor), 1 06, 2-3 29 01, 7 ADDITIONAL SENSE LENGTH 0
    private const string DescriptorDeferredUnitAttention = "73 06 29 01 00 00 00 00";

    internal static IEnumerable<TestCaseData> Vectors()
    {
        yield return new TestCaseData(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, fieldPointer: 2, bitPointer: null, inCdb: true), FixedInvalidFieldInCdb)
            .SetName("Fixed_InvalidFieldInCdb");
        yield return new TestCaseData(SenseData.MediumError(AdditionalSenseCode.UnrecoveredReadError, 0x12345678), FixedMediumError)
            .SetName("Fixed_MediumError_Information");
        yield return new TestCaseData(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, fieldPointer: 1, bitPointer: 7), FixedBitPointer)
            .SetName("Fixed_BitPointer");
        yield return new TestCaseData(SenseData.NotReady(AdditionalSenseCode.LogicalUnitNotReadyFormatInProgress, progress: 0x8000) with { IsDeferred = true }, FixedDeferredProgress)
            .SetName("Fixed_Deferred_Progress");
        yield return new TestCaseData(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, fieldPointer: 2) with { Format = SenseDataFormat.Descriptor }, DescriptorInvalidFieldInCdb)
            .SetName("Descriptor_InvalidFieldInCdb");
        yield return new TestCaseData(
            SenseData.MediumError(AdditionalSenseCode.UnrecoveredReadError, 0x1_0000_0000) with { Format = SenseDataFormat.Descriptor, IncorrectLengthIndicator = true },
            DescriptorMediumErrorIli).SetName("Descriptor_Information64_Ili");
        yield return new TestCaseData(
            SenseData.UnitAttention(AdditionalSenseCode.PowerOnOccurred) with { Format = SenseDataFormat.Descriptor, IsDeferred = true },
            DescriptorDeferredUnitAttention).SetName("Descriptor_Deferred_NoDescriptors");
    }

    [TestCaseSource(nameof(Vectors))]
    public void Encode_gives_exact_bytes(SenseData sense, string hex)
    {
        byte[] expected = Hex.Bytes(hex);
        Span<byte> buffer = stackalloc byte[SenseData.MaximumLength];
        buffer.Fill(0xee); // poison: every byte of the result must be written

        int written = sense.Encode(buffer);

        Assert.That(written, Is.EqualTo(expected.Length));
        Assert.That(sense.EncodedLength, Is.EqualTo(expected.Length));
        Assert.That(buffer[..written].ToArray(), Is.EqualTo(expected));
    }

    [TestCaseSource(nameof(Vectors))]
    public void Decode_gives_the_sense_back(SenseData sense, string hex)
    {
        bool ok = SenseData.TryDecode(Hex.Bytes(hex), out SenseData decoded, out SenseDecodeError error);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True);
            Assert.That(error, Is.EqualTo(SenseDecodeError.None));
            Assert.That(decoded, Is.EqualTo(sense));
        });
    }

    [TestCaseSource(nameof(Vectors))]
    public void Encode_into_buffer_writer(SenseData sense, string hex)
    {
        var writer = new ArrayBufferWriter<byte>();
        int written = sense.Encode(writer);
        Assert.That(written, Is.EqualTo(writer.WrittenCount));
        Assert.That(writer.WrittenSpan.ToArray(), Is.EqualTo(Hex.Bytes(hex)));
    }

    [Test]
    public void TryEncode_fails_when_destination_is_short()
    {
        SenseData sense = SenseData.UnitAttention(AdditionalSenseCode.PowerOnOccurred);
        byte[] buffer = new byte[SenseData.FixedFormatLength - 1];

        Assert.That(sense.TryEncode(buffer, out int written), Is.False);
        Assert.That(written, Is.Zero);
        Assert.Throws<ArgumentException>(() => sense.Encode(buffer));
    }

    [Test]
    public void Fixed_format_clears_VALID_when_information_needs_more_than_four_bytes()
    {
        // SPC-5: the fixed-format INFORMATION field is four bytes; a 64-bit LBA cannot be shown, so VALID = 0.
        SenseData sense = SenseData.MediumError(AdditionalSenseCode.UnrecoveredReadError, 0x1_0000_0000);
        Span<byte> buffer = stackalloc byte[SenseData.FixedFormatLength];
        sense.Encode(buffer);

        Assert.That(buffer.ToArray(), Is.EqualTo(Hex.Bytes("70 00 03 00 00 00 00 0A 00 00 00 00 11 00 00 00 00 00")));
    }

    [Test]
    public void Descriptor_format_orders_all_descriptors_by_type()
    {
        SenseData sense = new SenseData(SenseKey.HardwareError, AdditionalSenseCode.InternalTargetFailure) with
        {
            Format = SenseDataFormat.Descriptor,
            Information = 0x0102030405060708,
            CommandSpecificInformation = 0x1112131415161718,
            SenseKeySpecific = SenseKeySpecific.CreateActualRetryCount(3),
            FieldReplaceableUnitCode = 0x99,
            Filemark = true,
            EndOfMedium = true,
        };

        // 8 header + 12 information + 12 command-specific + 8 sense key specific + 4 FRU + 4 stream = 48,
        // ADDITIONAL SENSE LENGTH = 40 = 28h.
        byte[] expected = Hex.Bytes(
            "72 04 44 00 00 00 00 28" +
            "00 0A 80 00 01 02 03 04 05 06 07 08" + // information: VALID
            "01 0A 00 00 11 12 13 14 15 16 17 18" + // command-specific information
            "02 06 00 00 80 00 03 00" +             // sense key specific: SKSV, ACTUAL RETRY COUNT 3
            "03 02 00 99" +                         // field replaceable unit
            "04 02 00 C0");                         // stream commands: FILEMARK | EOM
        byte[] buffer = new byte[64];

        int written = sense.Encode(buffer);

        Assert.That(buffer.AsSpan(0, written).ToArray(), Is.EqualTo(expected));
        Assert.That(SenseData.TryDecode(expected, out SenseData decoded), Is.True);
        Assert.That(decoded, Is.EqualTo(sense));
    }

    [Test]
    public void IllegalRequest_from_a_CDB_field_error()
    {
        SenseData sense = SenseData.IllegalRequest(CdbFieldError.InvalidField(7));

        Assert.Multiple(() =>
        {
            Assert.That(sense.SenseKey, Is.EqualTo(SenseKey.IllegalRequest));
            Assert.That(sense.AdditionalSenseCode, Is.EqualTo(AdditionalSenseCode.InvalidFieldInCdb));
            Assert.That(sense.SenseKeySpecific.IsValid, Is.True);
            Assert.That(sense.SenseKeySpecific.IsCommandData, Is.True);
            Assert.That(sense.SenseKeySpecific.FieldPointer, Is.EqualTo(7));
            Assert.That(sense.SenseKeySpecific.BitPointer, Is.Null);
        });
    }

    [Test]
    public void Factories_reject_out_of_range_pointers()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, fieldPointer: 65536));
        Assert.Throws<ArgumentOutOfRangeException>(() => SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, fieldPointer: 1, bitPointer: 8));
    }

    [Test]
    public void ToString_names_key_and_code()
    {
        Assert.That(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb).ToString(),
            Is.EqualTo("IllegalRequest 24h/00h INVALID FIELD IN CDB"));
    }
}
