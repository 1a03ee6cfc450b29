namespace StateSave.Scsi.Tests;

/// <summary>LUN vectors for each SAM-5 §4.7 addressing method.</summary>
public class LogicalUnitNumberTests
{
    // Single-level: 0-255 peripheral device addressing (00b, bus 0), 256-16383 flat space (01b).
    [TestCase(0, "00 00 00 00 00 00 00 00", LunAddressMethod.PeripheralDevice)]
    [TestCase(5, "00 05 00 00 00 00 00 00", LunAddressMethod.PeripheralDevice)]
    [TestCase(255, "00 FF 00 00 00 00 00 00", LunAddressMethod.PeripheralDevice)]
    [TestCase(256, "41 00 00 00 00 00 00 00", LunAddressMethod.FlatSpace)]      // 40h | 01h, 00h
    [TestCase(300, "41 2C 00 00 00 00 00 00", LunAddressMethod.FlatSpace)]      // 300 = 012Ch
    [TestCase(16383, "7F FF 00 00 00 00 00 00", LunAddressMethod.FlatSpace)]    // 3FFFh
    public void Single_level(int lun, string hex, LunAddressMethod method)
    {
        byte[] wire = Hex.Bytes(hex);
        LogicalUnitNumber value = LogicalUnitNumber.FromSingleLevel(lun);

        byte[] written = new byte[8];
        value.Write(written);
        Assert.That(written, Is.EqualTo(wire));
        Assert.That(value.AddressMethod, Is.EqualTo(method));

        Assert.That(LogicalUnitNumber.TryRead(wire, out LogicalUnitNumber read), Is.True);
        Assert.That(read, Is.EqualTo(value));
        Assert.That(read.TryGetSingleLevel(out int back), Is.True);
        Assert.That(back, Is.EqualTo(lun));
        Assert.That(read.ToString(), Is.EqualTo(lun.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Flat_space_addressing_of_a_small_lun_is_still_single_level()
    {
        // Some targets use flat space for every LUN: 40 05 is LUN 5 too, but not the same wire value.
        var flat = new LogicalUnitNumber(0x4005_0000_0000_0000);
        Assert.That(flat.TryGetSingleLevel(out int lun), Is.True);
        Assert.That(lun, Is.EqualTo(5));
        Assert.That(flat, Is.Not.EqualTo(LogicalUnitNumber.FromSingleLevel(5)));
    }

    [Test]
    public void Report_luns_well_known_lun()
    {
        // Extended addressing 11b, LENGTH 00b, EXTENDED ADDRESS METHOD 1h (well known) = C1h; W-LUN 01h.
        LogicalUnitNumber wlun = LogicalUnitNumber.ReportLunsWellKnown;
        byte[] written = new byte[8];
        wlun.Write(written);

        Assert.That(written, Is.EqualTo(Hex.Bytes("C1 01 00 00 00 00 00 00")));
        Assert.That(wlun.Value, Is.EqualTo(0xC101_0000_0000_0000));
        Assert.That(wlun.AddressMethod, Is.EqualTo(LunAddressMethod.ExtendedLogicalUnit));
        Assert.That(wlun.IsWellKnown, Is.True);
        Assert.That(wlun.TryGetSingleLevel(out _), Is.False);
        Assert.That(wlun.ToString(), Is.EqualTo("W-LUN 01h"));
    }

    [Test]
    public void Peripheral_device_addressing_with_a_bus()
    {
        // 00b | BUS IDENTIFIER 1, TARGET OR LUN 7.
        LogicalUnitNumber lun = LogicalUnitNumber.PeripheralDevice(7, busIdentifier: 1);
        Assert.That(lun.Value, Is.EqualTo(0x0107_0000_0000_0000));
        Assert.That(lun.TryGetSingleLevel(out _), Is.False);
        Assert.That(lun.ToString(), Is.EqualTo("0x0107000000000000"));
    }

    [Test]
    public void Logical_unit_addressing()
    {
        // 10b | TARGET 1 = 81h; BUS NUMBER 2 (bits 7-5) | LUN 3 (bits 4-0) = 43h.
        LogicalUnitNumber lun = LogicalUnitNumber.LogicalUnit(target: 1, bus: 2, lun: 3);
        Assert.That(lun.Value, Is.EqualTo(0x8143_0000_0000_0000));
        Assert.That(lun.AddressMethod, Is.EqualTo(LunAddressMethod.LogicalUnit));
    }

    [Test]
    public void Extended_flat_space_addressing()
    {
        // 11b | LENGTH 01b (four bytes) | method 2h = D2h, then a 24-bit LUN.
        LogicalUnitNumber lun = LogicalUnitNumber.ExtendedFlatSpaceLun(0x123456);
        Assert.That(lun.Value, Is.EqualTo(0xD212_3456_0000_0000));
        Assert.That(lun.TryGetSingleLevel(out int value), Is.True);
        Assert.That(value, Is.EqualTo(0x123456));
    }

    [Test]
    public void Multi_level_lun_exposes_each_level()
    {
        var lun = new LogicalUnitNumber(0x0001_4002_0003_0000);
        Assert.That(lun.GetLevel(0), Is.EqualTo(0x0001));
        Assert.That(lun.GetLevel(1), Is.EqualTo(0x4002));
        Assert.That(lun.GetLevel(2), Is.EqualTo(0x0003));
        Assert.That(lun.GetLevel(3), Is.Zero);
        Assert.That(lun.TryGetSingleLevel(out _), Is.False);
        Assert.That(lun.ToString(), Is.EqualTo("0x0001400200030000"));
    }

    [Test]
    public void Bad_arguments_and_short_buffers()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LogicalUnitNumber.FromSingleLevel(16384));
        Assert.Throws<ArgumentOutOfRangeException>(() => LogicalUnitNumber.FromSingleLevel(-1));
        Assert.That(LogicalUnitNumber.TryRead(new byte[7], out _), Is.False);
        Assert.That(LogicalUnitNumber.FromSingleLevel(1).TryWrite(new byte[7]), Is.False);
    }

    [Test]
    public void Equality()
    {
        Assert.That(LogicalUnitNumber.FromSingleLevel(3) == new LogicalUnitNumber(0x0003_0000_0000_0000), Is.True);
        Assert.That(LogicalUnitNumber.FromSingleLevel(3) != LogicalUnitNumber.Zero, Is.True);
        Assert.That(LogicalUnitNumber.FromSingleLevel(3).GetHashCode(), Is.EqualTo(new LogicalUnitNumber(0x0003_0000_0000_0000).GetHashCode()));
    }
}
