using StateSave.Scsi.InBand;

namespace StateSave.Scsi.Tests.InBand;

/// <summary>The STATE SAVE CDB, its parameter list and READ BUFFER (16) mode 1Ch (specs/in-band-state-save.md §2.1).</summary>
public class StateSaveCdbTests
{
    [Test]
    public void State_save_cdb_bytes()
    {
        byte[] cdb = new StateSaveCdb(StateSaveScope.HbaDriver | StateSaveScope.Applications, 0x1122334455667788, 0x0123).ToArray();
        Assert.That(cdb, Is.EqualTo(new byte[] { 0xc5, 0x00, 0x05, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x00, 0x00, 0x01, 0x23 }));
        Assert.That(StateSaveCdb.TryDecode(cdb, out StateSaveCdb decoded), Is.Null);
        Assert.That(decoded, Is.EqualTo(new StateSaveCdb(StateSaveScope.HbaDriver | StateSaveScope.Applications, 0x1122334455667788, 0x0123)));
    }

    [TestCase(0, 0xc6, "20h", 0, null)]
    [TestCase(1, 0x01, "24h", 1, 4)]
    [TestCase(1, 0x20, "24h", 1, 7)]
    [TestCase(2, 0x00, "24h", 2, null)]
    [TestCase(2, 0x08, "24h", 2, null)]
    [TestCase(3, 0x01, "24h", 3, null)]
    [TestCase(12, 0x01, "24h", 12, null)]
    public void State_save_cdb_errors_point_at_their_field(int index, byte value, string asc, int field, int? bit)
    {
        byte[] cdb = new StateSaveCdb(StateSaveScope.All, 1, 0).ToArray();
        cdb[index] = value;
        CdbFieldError? error = StateSaveCdb.TryDecode(cdb, out _);
        Assert.That(error, Is.Not.Null);
        Assert.That(error!.Value.AdditionalSenseCode.Asc, Is.EqualTo(Convert.ToByte(asc[..2], 16)));
        Assert.That((error.Value.ByteOffset, error.Value.BitPointer), Is.EqualTo(((ushort)field, bit)));
    }

    [Test]
    public void Parameters_round_trip_and_bad_lists_are_refused()
    {
        var parameters = new StateSaveParameters(DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_123), "drive 3", "media error, LBA 0x1000");
        byte[] list = parameters.Encode();
        Assert.That(list[..12], Is.EqualTo(new byte[] { 0, 0, 0x01, 0x9a, 0xb6, 0x97, 0xe8, 0x7b, 0, 7, (byte)'d', (byte)'r' }));
        Assert.That(StateSaveParameters.TryDecode(list, out StateSaveParameters? decoded), Is.True);
        Assert.That(decoded, Is.EqualTo(parameters));

        Assert.Multiple(() =>
        {
            Assert.That(StateSaveParameters.TryDecode(list.AsSpan(0, list.Length - 1), out _), Is.False, "short");
            Assert.That(StateSaveParameters.TryDecode([.. list, 0], out _), Is.False, "trailing byte");
            byte[] longComponent = (byte[])list.Clone();
            longComponent[8] = 0x01;
            longComponent[9] = 0x01;
            Assert.That(StateSaveParameters.TryDecode(longComponent, out _), Is.False, "component over 256 bytes");
            byte[] badUtf8 = (byte[])list.Clone();
            badUtf8[10] = 0xff;
            Assert.That(StateSaveParameters.TryDecode(badUtf8, out _), Is.False, "invalid UTF-8");
            Assert.That(() => new StateSaveParameters(DateTimeOffset.UnixEpoch, new string('x', 257), "").Encode(), Throws.ArgumentException);
        });
    }

    [Test]
    public void Read_buffer_16_error_history_bytes_and_reserved_buffer_ids()
    {
        byte[] cdb = new ErrorHistoryReadCdb(0x11, 0x0000_0001_0000_0000, 0x40000).ToArray();
        Assert.That(cdb, Is.EqualTo(new byte[] { 0x9b, 0x1c, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0x04, 0, 0, 0x11, 0 }));
        Assert.That(ErrorHistoryReadCdb.TryDecode(cdb, out ErrorHistoryReadCdb decoded), Is.Null);
        Assert.That(decoded.IsDataBuffer, Is.True);
        foreach (byte reserved in new byte[] { 0x01, 0x03, 0x0f, 0xf0, 0xfd })
        {
            cdb[14] = reserved;
            Assert.That(ErrorHistoryReadCdb.TryDecode(cdb, out _)?.ByteOffset, Is.EqualTo(14), $"BUFFER ID {reserved:x2}h");
        }

        cdb[14] = 0xff;
        Assert.That(ErrorHistoryReadCdb.TryDecode(cdb, out _), Is.Null);
        cdb[1] = 0x02;
        Assert.That(ErrorHistoryReadCdb.TryDecode(cdb, out _)?.ByteOffset, Is.EqualTo(1));
    }
}
