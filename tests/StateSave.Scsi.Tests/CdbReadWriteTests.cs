namespace StateSave.Scsi.Tests;

/// <summary>READ/WRITE (6), (10), (12), (16) vectors; field positions from SBC-4.</summary>
public class CdbReadWriteTests
{
    internal static IEnumerable<TestCaseData> Vectors()
    {
        // READ(6): byte 1 bits 4-0 + bytes 2-3 = LBA 1FFFFFh (21 bits); TRANSFER LENGTH 0 means 256 blocks.
        yield return new TestCaseData("08 1F FF FF 00 00",
            new ReadWriteCdb(ScsiOpcode.Read6, 0x1f_ffff, 256, false, false, 0, 0)).SetName("Read6_ZeroMeans256");
        // READ(6): bits 7-5 of byte 1 (the old LUN field) are not part of the LBA; TRANSFER LENGTH 10h.
        yield return new TestCaseData("08 E1 23 45 10 00",
            new ReadWriteCdb(ScsiOpcode.Read6, 0x01_2345, 16, false, false, 0, 0)).SetName("Read6_IgnoresOldLunBits");
        // WRITE(6): LBA 10h, TRANSFER LENGTH 1; TRANSFER LENGTH 0 also means 256.
        yield return new TestCaseData("0A 00 00 10 01 00",
            new ReadWriteCdb(ScsiOpcode.Write6, 0x10, 1, false, false, 0, 0)).SetName("Write6");
        yield return new TestCaseData("0A 00 00 00 00 00",
            new ReadWriteCdb(ScsiOpcode.Write6, 0, 256, false, false, 0, 0)).SetName("Write6_ZeroMeans256");
        // READ(10): byte 1 18h = DPO (10h) | FUA (08h); LBA 12345678h; GROUP NUMBER 5; TRANSFER LENGTH 8.
        yield return new TestCaseData("28 18 12 34 56 78 05 00 08 00",
            new ReadWriteCdb(ScsiOpcode.Read10, 0x12345678, 8, true, true, 0, 5)).SetName("Read10");
        // WRITE(10): TRANSFER LENGTH 0 is no transfer (not 256); LBA FFFFFFFFh.
        yield return new TestCaseData("2A 00 FF FF FF FF 00 00 00 00",
            new ReadWriteCdb(ScsiOpcode.Write10, 0xffff_ffff, 0, false, false, 0, 0)).SetName("Write10_ZeroIsZero");
        // READ(12): FUA; LBA 1; TRANSFER LENGTH 00010000h (bytes 6-9); GROUP NUMBER 3Fh (byte 10).
        yield return new TestCaseData("A8 08 00 00 00 01 00 01 00 00 3F 00",
            new ReadWriteCdb(ScsiOpcode.Read12, 1, 0x1_0000, true, false, 0, 0x3f)).SetName("Read12");
        // WRITE(12): DPO; LBA 00ABCDEFh; TRANSFER LENGTH 2.
        yield return new TestCaseData("AA 10 00 AB CD EF 00 00 00 02 00 00",
            new ReadWriteCdb(ScsiOpcode.Write12, 0xabcdef, 2, false, true, 0, 0)).SetName("Write12");
        // READ(16): DPO; LBA 1_0000_0000h (bytes 2-9); TRANSFER LENGTH 200h (bytes 10-13); byte 14 C1h =
        // DLD1/DLD0 (bits 7-6, not decoded) | GROUP NUMBER 1.
        yield return new TestCaseData("88 10 00 00 00 01 00 00 00 00 00 00 02 00 C1 00",
            new ReadWriteCdb(ScsiOpcode.Read16, 0x1_0000_0000, 0x200, false, true, 0, 1)).SetName("Read16");
        // WRITE(16): FUA; the largest LBA and TRANSFER LENGTH.
        yield return new TestCaseData("8A 08 FF FF FF FF FF FF FF FF FF FF FF FF 00 00",
            new ReadWriteCdb(ScsiOpcode.Write16, ulong.MaxValue, uint.MaxValue, true, false, 0, 0)).SetName("Write16_Max");
    }

    [TestCaseSource(nameof(Vectors))]
    public void Decodes(string hex, ReadWriteCdb expected)
    {
        var cdb = new Cdb(Hex.Bytes(hex));
        Assert.That(cdb.TryDecodeReadWrite(out ReadWriteCdb command, out CdbFieldError error), Is.True, error.ToString());
        Assert.That(command, Is.EqualTo(expected));
        Assert.That(command.IsWrite, Is.EqualTo(hex.StartsWith("0A", StringComparison.Ordinal) || hex.StartsWith("2A", StringComparison.Ordinal)
            || hex.StartsWith("AA", StringComparison.Ordinal) || hex.StartsWith("8A", StringComparison.Ordinal)));
    }

    [Test]
    public void Decodes_from_a_16_byte_iscsi_cdb_field()
    {
        // iSCSI carries every CDB in a 16-byte field; the bytes after a 10-byte CDB are zero padding.
        var cdb = new Cdb(Hex.Bytes("28 00 00 00 00 10 00 00 04 00 00 00 00 00 00 00"));
        Assert.That(cdb.TryDecodeReadWrite(out ReadWriteCdb command, out _), Is.True);
        Assert.That(command.LogicalBlockAddress, Is.EqualTo(0x10ul));
        Assert.That(command.TransferLength, Is.EqualTo(4u));
    }

    [TestCase("2A 20 00 00 00 00 00 00 01 00")] // WRPROTECT 001b
    [TestCase("28 E0 00 00 00 00 00 00 01 00")] // RDPROTECT 111b
    [TestCase("88 60 00 00 00 00 00 00 00 00 00 00 00 01 00 00")]
    public void Protect_field_without_protection_information_points_at_byte_1_bit_7(string hex)
    {
        var cdb = new Cdb(Hex.Bytes(hex));
        Assert.That(cdb.TryDecodeReadWrite(out _, out CdbFieldError error), Is.False);
        Assert.That(error, Is.EqualTo(new CdbFieldError(AdditionalSenseCode.InvalidFieldInCdb, 1, 7)));

        Assert.That(cdb.TryDecodeReadWrite(out ReadWriteCdb command, out _, protectionInformationEnabled: true), Is.True);
        Assert.That(command.Protect, Is.EqualTo(Hex.Bytes(hex)[1] >> 5));
    }

    [TestCase("08 00 00 00 00 00", 4)]                                     // 0 = 256 blocks > 128
    [TestCase("28 00 00 00 00 00 00 00 81 00", 7)]
    [TestCase("A8 00 00 00 00 00 00 00 00 81 00 00", 6)]
    [TestCase("88 00 00 00 00 00 00 00 00 00 00 00 00 81 00 00", 10)]
    public void Transfer_length_above_the_maximum_points_at_the_field(string hex, int byteOffset)
    {
        var cdb = new Cdb(Hex.Bytes(hex));
        Assert.That(cdb.TryDecodeReadWrite(out _, out CdbFieldError error, maximumTransferLength: 128), Is.False);
        Assert.That(error, Is.EqualTo(CdbFieldError.InvalidField((ushort)byteOffset)));

        // The error turns straight into the sense data the device server returns.
        SenseData sense = SenseData.IllegalRequest(error);
        Span<byte> bytes = stackalloc byte[SenseData.FixedFormatLength];
        sense.Encode(bytes);
        Assert.That(bytes[15], Is.EqualTo(0xc0));  // SKSV | C/D, BPV = 0
        Assert.That(bytes[17], Is.EqualTo(byteOffset));
    }

    [TestCase("28 00 00 00 00 00 00 00 01")]   // READ(10) one byte short
    [TestCase("08 00 00 00 01")]
    [TestCase("88 00 00 00 00 00 00 00 00 00 00 00 00 01 00")]
    public void Short_cdb_is_reported(string hex)
    {
        Assert.That(new Cdb(Hex.Bytes(hex)).TryDecodeReadWrite(out _, out CdbFieldError error), Is.False);
        Assert.That(error, Is.EqualTo(CdbFieldError.InvalidField(0)));
    }

    [Test]
    public void Other_opcodes_are_an_invalid_operation_code()
    {
        Assert.That(new Cdb(Hex.Bytes("12 00 00 00 24 00")).TryDecodeReadWrite(out _, out CdbFieldError error), Is.False);
        Assert.That(error, Is.EqualTo(CdbFieldError.InvalidOperationCode));
        Assert.That(error.ByteOffset, Is.Zero);
    }

    [TestCase(90ul, 10u, 100ul, true)]
    [TestCase(90ul, 11u, 100ul, false)]
    [TestCase(100ul, 0u, 100ul, true)]   // LBA + TRANSFER LENGTH does not exceed the capacity
    [TestCase(101ul, 0u, 100ul, false)]
    [TestCase(ulong.MaxValue, uint.MaxValue, ulong.MaxValue, false)] // no overflow
    public void Capacity_check(ulong lba, uint blocks, ulong capacity, bool inside)
    {
        var command = new ReadWriteCdb(ScsiOpcode.Read16, lba, blocks, false, false, 0, 0);
        Assert.That(command.IsWithinCapacity(capacity), Is.EqualTo(inside));
    }
}
