using StateSave.Storage.Reservations;

namespace StateSave.Storage.Tests.Reservations;

public class IscsiTransportIdTests
{
    [Test]
    public void Format_01b_round_trips_byte_exact()
    {
        var id = new IscsiTransportId("iqn.x", "400001370000");
        byte[] bytes = new byte[id.EncodedLength];
        id.Write(bytes);

        byte[] expected = new byte[28];
        expected[0] = 0x45;
        expected[3] = 24;
        "iqn.x,i,0x400001370000"u8.CopyTo(expected.AsSpan(4));
        Assert.That(bytes, Is.EqualTo(expected));

        Assert.That(IscsiTransportId.TryRead(bytes, out IscsiTransportId read, out int length, out _), Is.True);
        Assert.That(read, Is.EqualTo(id));
        Assert.That(length, Is.EqualTo(28));
    }

    [Test]
    public void Format_00b_is_padded_to_a_multiple_of_four()
    {
        var id = new IscsiTransportId("iqn.2026-11.test:initiator-name", null);
        byte[] bytes = new byte[id.EncodedLength];
        id.Write(bytes);
        Assert.That(bytes, Has.Length.EqualTo(36));
        Assert.That(bytes[0], Is.EqualTo(0x05));
        Assert.That(bytes[3], Is.EqualTo(32));
        Assert.That(IscsiTransportId.TryRead(bytes, out IscsiTransportId read, out _, out _), Is.True);
        Assert.That(read, Is.EqualTo(id));
    }

    [Test]
    public void From_initiator_port_splits_the_isid()
    {
        Assert.That(IscsiTransportId.FromInitiatorPort("iqn.x", "iqn.x,i,0x4000013700AB"), Is.EqualTo(new IscsiTransportId("iqn.x", "4000013700ab")));
    }

    // bytes, error offset
    [TestCase(new byte[] { 0x45, 0, 0 }, 0, TestName = "shorter than the header")]
    [TestCase(new byte[] { 0x01, 0, 0, 20, 0x61, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 0, TestName = "not iSCSI")]
    [TestCase(new byte[] { 0x85, 0, 0, 20, 0x61, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 0, TestName = "reserved format")]
    [TestCase(new byte[] { 0x05, 0, 0, 21, 0x61, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 2, TestName = "length not a multiple of four")]
    [TestCase(new byte[] { 0x05, 0, 0, 24, 0x61, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 2, TestName = "length beyond the data")]
    [TestCase(new byte[] { 0x05, 0, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 4, TestName = "empty name")]
    [TestCase(new byte[] { 0x05, 0, 0, 20, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61 }, 4, TestName = "no terminator")]
    [TestCase(new byte[] { 0x45, 0, 0, 20, 0x61, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 4, TestName = "format 01b without ISID")]
    public void Malformed_transport_ids_are_rejected_with_the_offset(byte[] bytes, int errorOffset)
    {
        Assert.That(IscsiTransportId.TryRead(bytes, out _, out _, out int offset), Is.False);
        Assert.That(offset, Is.EqualTo(errorOffset));
    }
}
