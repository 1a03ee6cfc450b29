using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.Tests.TestSupport;

namespace StateSave.Storage.Tests.Commands;

public sealed class InquiryAndReportTests
{
    [Test]
    public async Task Standard_inquiry_data()
    {
        var unit = new TestUnit();
        var (result, command) = await unit.Run([0x12, 0, 0, 0, 255, 0]);
        byte[] data = command.DataIn;
        Assert.Multiple(() =>
        {
            Assert.That(result.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(data, Has.Length.EqualTo(96));
            Assert.That(data[..8], Is.EqualTo(new byte[] { 0x00, 0x00, 0x06, 0x12, 91, 0x30, 0x00, 0x02 }), "TPGS 3: implicit and explicit ALUA");
            Assert.That(System.Text.Encoding.ASCII.GetString(data, 8, 8), Is.EqualTo("STATESAV"));
            Assert.That(data[58..66], Is.EqualTo(new byte[] { 0x00, 0xa0, 0x04, 0x60, 0x04, 0xc0, 0x09, 0x60 }));
        });
    }

    [Test]
    public async Task Inquiry_allocation_length_truncates()
    {
        var unit = new TestUnit();
        var (_, command) = await unit.Run([0x12, 0, 0, 0, 5, 0]);
        Assert.That(command.DataIn, Is.EqualTo(new byte[] { 0x00, 0x00, 0x06, 0x12, 91 }));
    }

    [Test]
    public async Task Supported_vpd_pages_and_unsupported_page()
    {
        var unit = new TestUnit();
        var (_, pages) = await unit.Run([0x12, 0x01, 0x00, 0, 255, 0]);
        var (bad, _) = await unit.Run([0x12, 0x01, 0x85, 0, 255, 0]);
        var (pageWithoutEvpd, _) = await unit.Run([0x12, 0x00, 0x80, 0, 255, 0]);
        Assert.That(pages.DataIn, Is.EqualTo(new byte[] { 0, 0, 0, 8, 0x00, 0x80, 0x83, 0x86, 0x8f, 0xb0, 0xb1, 0xb2 }));
        Assert.That(TestUnit.Encode(bad.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x24, 0x00, 0xc0, 0x00, 0x02)));
        Assert.That(TestUnit.Encode(pageWithoutEvpd.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x24, 0x00, 0xc0, 0x00, 0x02)));
    }

    [Test]
    public async Task Block_limits_and_provisioning_pages()
    {
        var unit = new TestUnit();
        var (_, limits) = await unit.Run([0x12, 0x01, 0xb0, 0, 255, 0]);
        var (_, provisioning) = await unit.Run([0x12, 0x01, 0xb2, 0, 255, 0]);
        Assert.Multiple(() =>
        {
            Assert.That(limits.DataIn[..6], Is.EqualTo(new byte[] { 0, 0xb0, 0, 0x3c, 0x00, 0xff }), "WSNZ = 0");
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(limits.DataIn.AsSpan(8)), Is.EqualTo(65536));
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(limits.DataIn.AsSpan(20)), Is.EqualTo(1u << 20));
            Assert.That(provisioning.DataIn, Is.EqualTo(new byte[] { 0, 0xb2, 0, 4, 0, 0xe4, 0x02, 0 }));
        });
    }

    [Test]
    public async Task Device_identification_has_naa_and_port_designators_from_the_nexus()
    {
        var unit = new TestUnit();
        var (_, command) = await unit.Run([0x12, 0x01, 0x83, 0, 255, 0]);
        byte[] data = command.DataIn;
        Assert.Multiple(() =>
        {
            Assert.That(data[4..8], Is.EqualTo(new byte[] { 0x01, 0x03, 0x00, 0x10 }));
            Assert.That(data[8] >> 4, Is.EqualTo(0x6));
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(2)), Is.EqualTo(data.Length - 4));
            Assert.That(Contains(data, [0x51, 0x94, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01]), Is.True, "relative target port 1");
            Assert.That(Contains(data, [0x51, 0x95, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01]), Is.True, "target port group 1");
        });
    }

    [Test]
    public async Task Read_capacity_16_reports_lbpme_and_lbprz()
    {
        var unit = new TestUnit();
        var (_, command) = await unit.Run([0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0]);
        Assert.That(command.DataIn[..16], Is.EqualTo(new byte[] { 0, 0, 0, 0, 0, 0, 0x03, 0xff, 0, 0, 0x02, 0x00, 0, 0, 0xc0, 0 }));
    }

    [Test]
    public async Task Report_supported_operation_codes_one_command_and_service_action_rules()
    {
        var unit = new TestUnit();
        var (read10, one) = await unit.Run([0xa3, 0x0c, 0x01, 0x28, 0, 0, 0, 0, 1, 0, 0, 0]);
        var (withServiceAction, _) = await unit.Run([0xa3, 0x0c, 0x01, 0x9e, 0, 0x10, 0, 0, 1, 0, 0, 0]);
        var (_, capacity) = await unit.Run([0xa3, 0x0c, 0x82, 0x9e, 0, 0x10, 0, 0, 1, 0, 0, 0]);
        var (_, unsupported) = await unit.Run([0xa3, 0x0c, 0x01, 0x1c, 0, 0, 0, 0, 1, 0, 0, 0]); // RECEIVE DIAGNOSTIC RESULTS
        Assert.Multiple(() =>
        {
            Assert.That(read10.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(one.DataIn, Is.EqualTo(new byte[] { 0, 0x03, 0, 10, 0x28, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x3f, 0xff, 0xff, 0x07 }));
            Assert.That(TestUnit.Encode(withServiceAction.Sense), Is.EqualTo(TestUnit.Fixed(0x05, 0x24, 0x00, 0xc0, 0x00, 0x03)));
            Assert.That(capacity.DataIn[..6], Is.EqualTo(new byte[] { 0, 0x83, 0, 16, 0x9e, 0x10 }));
            Assert.That(capacity.DataIn[20..22], Is.EqualTo(new byte[] { 0x00, 0x0a }));
            Assert.That(unsupported.DataIn, Is.EqualTo(new byte[] { 0, 0x01, 0, 0 }));
        });
    }

    [Test]
    public async Task Report_supported_operation_codes_all_lists_every_command_once()
    {
        var unit = new TestUnit();
        var (_, command) = await unit.Run([0xa3, 0x0c, 0x00, 0, 0, 0, 0, 0, 0x10, 0, 0, 0]);
        byte[] data = command.DataIn;
        int length = (int)BinaryPrimitives.ReadUInt32BigEndian(data);
        Assert.That(data, Has.Length.EqualTo(length + 4));
        Assert.That(length % 8, Is.Zero);
        Assert.That(unit.Unit.Commands.All, Has.Count.EqualTo(length / 8));
    }

    private static bool Contains(byte[] data, byte[] part)
    {
        for (int i = 0; i + part.Length <= data.Length; i++)
        {
            if (data.AsSpan(i, part.Length).SequenceEqual(part))
            {
                return true;
            }
        }

        return false;
    }
}
