namespace StateSave.Scsi.Tests;

/// <summary>GROUP CODE and CDB length (SPC-5 §4.2.5.1).</summary>
public class ScsiOpcodeTests
{
    [TestCase(ScsiOpcode.TestUnitReady, 0, 6)]
    [TestCase(ScsiOpcode.PreventAllowMediumRemoval, 0, 6)]
    [TestCase(ScsiOpcode.Read10, 1, 10)]
    [TestCase(ScsiOpcode.WriteLong10, 1, 10)]
    [TestCase(ScsiOpcode.Unmap, 2, 10)]
    [TestCase(ScsiOpcode.PersistentReserveOut, 2, 10)]
    [TestCase(ScsiOpcode.VariableLengthCdb, 3, 0)]
    [TestCase(ScsiOpcode.ExtendedCopy, 4, 16)]
    [TestCase(ScsiOpcode.ServiceActionIn16, 4, 16)]
    [TestCase(ScsiOpcode.ReportLuns, 5, 12)]
    [TestCase(ScsiOpcode.ReadDefectData12, 5, 12)]
    [TestCase((ScsiOpcode)0xc0, 6, 0)]
    [TestCase((ScsiOpcode)0xff, 7, 0)]
    public void Group_code_and_length(ScsiOpcode opcode, int group, int length)
    {
        Assert.That(opcode.GetGroupCode(), Is.EqualTo(group));
        Assert.That(opcode.GetCdbLength(), Is.EqualTo(length));
    }

    [TestCase(0x00, false)]
    [TestCase(0xbf, false)]
    [TestCase(0xc0, true)]
    [TestCase(0xe5, true)]
    [TestCase(0xff, true)]
    public void Vendor_specific_range(int opcode, bool vendor)
    {
        Assert.That(((ScsiOpcode)opcode).IsVendorSpecific(), Is.EqualTo(vendor));
    }

    [Test]
    public void Every_named_opcode_has_a_length_except_group_3()
    {
        foreach (ScsiOpcode opcode in Enum.GetValues<ScsiOpcode>())
        {
            Assert.That(opcode.IsVendorSpecific(), Is.False, opcode.ToString());
            if (opcode.GetGroupCode() != 3)
            {
                Assert.That(opcode.GetCdbLength(), Is.AnyOf(6, 10, 12, 16), opcode.ToString());
            }
        }
    }

    [TestCase("A3 0C", 0x0c)]  // MAINTENANCE IN / REPORT SUPPORTED OPERATION CODES
    [TestCase("A3 0A", 0x0a)]  // MAINTENANCE IN / REPORT TARGET PORT GROUPS
    [TestCase("9E 10", 0x10)]  // SERVICE ACTION IN(16) / READ CAPACITY(16)
    [TestCase("9E F2", 0x12)]  // GET LBA STATUS; bits 7-5 of byte 1 are not part of the service action
    [TestCase("5F 06", 0x06)]  // PERSISTENT RESERVE OUT / REGISTER AND IGNORE EXISTING KEY
    [TestCase("7F 00 00 00 00 00 00 18 00 0B", 0x000b)] // variable length: SERVICE ACTION in bytes 8-9
    public void Service_action(string hex, int serviceAction)
    {
        var cdb = new Cdb(Hex.Bytes(hex));
        Assert.That(cdb.TryGetServiceAction(out ushort value), Is.True);
        Assert.That(value, Is.EqualTo(serviceAction));
    }

    [Test]
    public void No_service_action_for_other_commands()
    {
        Assert.That(new Cdb(Hex.Bytes("28 00")).TryGetServiceAction(out _), Is.False);
        Assert.That(new Cdb(Hex.Bytes("9E")).TryGetServiceAction(out _), Is.False);
    }

    [TestCase("00 00 00 00 00 00", 6)]
    [TestCase("7F 00 00 00 00 00 00 18", 32)]  // 8 + ADDITIONAL CDB LENGTH 18h
    [TestCase("7F 00 00", 0)]                  // ADDITIONAL CDB LENGTH missing
    [TestCase("7E 00", 0)]
    [TestCase("60", 0)]                        // reserved group 3
    [TestCase("C0", 0)]                        // vendor specific
    public void Cdb_length(string hex, int expected)
    {
        bool known = Cdb.TryGetLength(Hex.Bytes(hex), out int length);
        Assert.That(known, Is.EqualTo(expected != 0));
        Assert.That(length, Is.EqualTo(expected));
        Assert.That(new Cdb(Hex.Bytes(hex)).Length, Is.EqualTo(expected));
    }

    [Test]
    public void Control_byte_and_NACA()
    {
        // READ(10) with CONTROL 04h (NACA) in byte 9, inside a 16-byte iSCSI CDB field.
        var cdb = new Cdb(Hex.Bytes("28 00 00 00 00 00 00 00 01 04 00 00 00 00 00 00"));
        Assert.That(cdb.Control, Is.EqualTo(0x04));
        Assert.That(cdb.NormalAca, Is.True);
        Assert.That(new Cdb(Hex.Bytes("00 00 00 00 00 00")).NormalAca, Is.False);
    }

    [Test]
    public void Empty_span_is_not_a_CDB()
    {
        Assert.Throws<ArgumentException>(() => _ = new Cdb([]));
    }
}

public class CdbGarbageTests
{
    [Test]
    public void Random_cdbs_never_throw()
    {
        var random = new Random(5);
        byte[] buffer = new byte[32];
        for (int i = 0; i < 20_000; i++)
        {
            int length = random.Next(1, buffer.Length + 1);
            random.NextBytes(buffer.AsSpan(0, length));
            var cdb = new Cdb(buffer.AsSpan(0, length));
            _ = cdb.Length;
            _ = cdb.Control;
            _ = cdb.TryGetServiceAction(out _);
            _ = cdb.TryGetAllocationLength(out _);
            _ = cdb.TryGetParameterListLength(out _);
            if (!cdb.TryDecodeReadWrite(out _, out CdbFieldError error))
            {
                Assert.That(error.AdditionalSenseCode, Is.AnyOf(AdditionalSenseCode.InvalidFieldInCdb, AdditionalSenseCode.InvalidCommandOperationCode));
            }
        }
    }
}
