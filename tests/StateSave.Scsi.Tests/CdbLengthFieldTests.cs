namespace StateSave.Scsi.Tests;

/// <summary>ALLOCATION LENGTH / PARAMETER LIST LENGTH positions (SPC-5, SBC-4 command layouts).</summary>
public class CdbLengthFieldTests
{
    [TestCase("03 00 00 00 12 00", 0x12u)]                        // REQUEST SENSE: byte 4
    [TestCase("12 00 00 01 00 00", 0x100u)]                       // INQUIRY: bytes 3-4
    [TestCase("1A 00 3F 00 FF 00", 0xffu)]                        // MODE SENSE(6): byte 4
    [TestCase("5A 00 3F 00 00 00 00 10 00 00", 0x1000u)]          // MODE SENSE(10): bytes 7-8
    [TestCase("4D 00 40 00 00 00 00 02 00 00", 0x200u)]           // LOG SENSE: bytes 7-8
    [TestCase("5E 00 00 00 00 00 00 20 00 00", 0x2000u)]          // PERSISTENT RESERVE IN: bytes 7-8
    [TestCase("3C 02 00 00 00 00 01 00 00 00", 0x10000u)]         // READ BUFFER(10): bytes 6-8
    [TestCase("9E 10 00 00 00 00 00 00 00 00 00 00 00 20 00 00", 0x20u)] // READ CAPACITY(16): bytes 10-13
    [TestCase("A0 00 00 00 00 00 00 00 10 00 00 00", 0x1000u)]    // REPORT LUNS: bytes 6-9
    [TestCase("A3 0A 00 00 00 00 00 00 04 00 00 00", 0x400u)]     // REPORT TARGET PORT GROUPS: bytes 6-9
    public void Allocation_length(string hex, uint expected)
    {
        var cdb = new Cdb(Hex.Bytes(hex));
        Assert.That(cdb.TryGetAllocationLength(out uint length), Is.True);
        Assert.That(length, Is.EqualTo(expected));
        Assert.That(cdb.TryGetParameterListLength(out _), Is.False);
    }

    [TestCase("15 10 00 00 18 00", 0x18u)]                        // MODE SELECT(6): byte 4
    [TestCase("55 10 00 00 00 00 00 00 1C 00", 0x1cu)]            // MODE SELECT(10): bytes 7-8
    [TestCase("42 00 00 00 00 00 00 00 18 00", 0x18u)]            // UNMAP: bytes 7-8
    [TestCase("5F 00 00 00 00 00 00 00 18 00", 0x18u)]            // PERSISTENT RESERVE OUT: bytes 5-8
    [TestCase("3B 02 00 00 00 00 00 02 00 00", 0x200u)]           // WRITE BUFFER: bytes 6-8
    [TestCase("83 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00", 0x100u)] // EXTENDED COPY: bytes 10-13
    public void Parameter_list_length(string hex, uint expected)
    {
        var cdb = new Cdb(Hex.Bytes(hex));
        Assert.That(cdb.TryGetParameterListLength(out uint length), Is.True);
        Assert.That(length, Is.EqualTo(expected));
        Assert.That(cdb.TryGetAllocationLength(out _), Is.False);
    }

    [TestCase("28 00 00 00 00 00 00 00 01 00")] // READ(10): TRANSFER LENGTH counts blocks
    [TestCase("00 00 00 00 00 00")]             // TEST UNIT READY
    [TestCase("12 00 00 01")]                   // INQUIRY cut before byte 4
    public void No_length_field(string hex)
    {
        var cdb = new Cdb(Hex.Bytes(hex));
        Assert.That(cdb.TryGetAllocationLength(out uint length), Is.False);
        Assert.That(length, Is.Zero);
    }

    [Test]
    public void Every_field_fits_in_its_cdb()
    {
        foreach (ScsiOpcode opcode in Enum.GetValues<ScsiOpcode>())
        {
            if (CdbLengthField.TryGet(opcode, out CdbLengthField field))
            {
                Assert.That(field.Offset + field.Size, Is.LessThan(opcode.GetCdbLength()), opcode.ToString()); // CONTROL is last
                Assert.That(field.Size, Is.InRange(1, 4));
            }
        }
    }
}
