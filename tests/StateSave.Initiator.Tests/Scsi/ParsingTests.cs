using StateSave.Initiator.Discovery;
using StateSave.Initiator.Scsi;
using StateSave.Iscsi.Negotiation;

namespace StateSave.Initiator.Tests.Scsi;

public sealed class ParsingTests
{
    [TestCase("192.168.1.10", "192.168.1.10", 3260, null)]
    [TestCase("192.168.1.10:3261", "192.168.1.10", 3261, null)]
    [TestCase("192.168.1.10:3261,7", "192.168.1.10", 3261, 7)]
    [TestCase("[fe80::1]:3262,2", "fe80::1", 3262, 2)]
    [TestCase("[::1]", "::1", 3260, null)]
    [TestCase("storage.example.com,1", "storage.example.com", 3260, 1)]
    public void Target_addresses_parse(string text, string host, int port, int? tag)
    {
        TargetPortalAddress address = TargetPortalAddress.Parse(text);
        Assert.That(address, Is.EqualTo(new TargetPortalAddress(host, port, tag is null ? null : (ushort)tag)));
    }

    [TestCase("")]
    [TestCase("::1:3260")]
    [TestCase("[::1")]
    [TestCase("[nothost]:3260")]
    [TestCase("host:0")]
    [TestCase("host:70000")]
    [TestCase("host,tag")]
    public void Bad_target_addresses_are_refused(string text) =>
        Assert.That(TargetPortalAddress.TryParse(text, out _), Is.False);

    [Test]
    public void SendTargets_pairs_group_addresses_under_their_target()
    {
        var targets = DiscoveredTarget.FromSendTargets([
            new TextKeyValue("TargetAddress", "10.0.0.9:3260,1"),
            new TextKeyValue("TargetName", "iqn.a"),
            new TextKeyValue("TargetAddress", "10.0.0.1:3260,1"),
            new TextKeyValue("TargetAddress", "[2001:db8::1]:3260,2"),
            new TextKeyValue("TargetName", "iqn.b"),
        ]);
        Assert.That(targets, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(targets[0].Name, Is.EqualTo("iqn.a"));
            Assert.That(targets[0].Addresses.Select(a => a.ToString()), Is.EqualTo(new[] { "10.0.0.1:3260,1", "[2001:db8::1]:3260,2" }));
            Assert.That(targets[1].Addresses, Is.Empty);
        });
    }

    [Test]
    public void Device_identification_page_gives_naa_port_group_and_relative_port()
    {
        byte[] page =
        [
            0x00, 0x83, 0x00, 28,
            0x01, 0x03, 0x00, 0x08, 0x60, 0x01, 0x40, 0x50, 0x00, 0x00, 0x00, 0x01, // NAA, LU, binary
            0x51, 0x94, 0x00, 0x04, 0x00, 0x00, 0x00, 0x02,                         // relative target port 2 (iSCSI, PIV)
            0x51, 0x95, 0x00, 0x04, 0x00, 0x00, 0x00, 0x05,                         // target port group 5
        ];
        IReadOnlyList<Designator> list = Designator.ParsePage(page);
        Assert.That(list, Has.Count.EqualTo(3));
        Assert.Multiple(() =>
        {
            Assert.That(list[0].Naa, Is.EqualTo("6001405000000001"));
            Assert.That(list[1].RelativeTargetPort, Is.EqualTo((ushort)2));
            Assert.That(list[1].Association, Is.EqualTo(DesignatorAssociation.TargetPort));
            Assert.That(list[1].ProtocolIdentifier, Is.EqualTo(5));
            Assert.That(list[2].TargetPortGroup, Is.EqualTo((ushort)5));
        });
    }

    [Test]
    public void A_truncated_descriptor_is_not_read_past_the_data()
    {
        byte[] page = [0x00, 0x83, 0x00, 40, 0x01, 0x03, 0x00, 0x08, 0x60, 0x01];
        Assert.That(Designator.ParsePage(page), Is.Empty);
    }

    [Test]
    public void Report_target_port_groups_data_parses_with_the_extended_header()
    {
        byte[] data =
        [
            0, 0, 0, 28, 0x10, 0, 0, 0,
            0x80, 0x0f, 0x00, 0x01, 0, 0x00, 0, 1, 0, 0, 0, 1,       // group 1 active/optimized, preferred, port 1
            0x02, 0x0f, 0x00, 0x02, 0, 0x02, 0, 1, 0, 0, 0, 2,       // group 2 standby, port 2
        ];
        IReadOnlyList<TargetPortGroupDescriptor> groups = TargetPortGroupDescriptor.ParseList(data);
        Assert.That(groups, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(groups[0].Preferred, Is.True);
            Assert.That(groups[0].State, Is.EqualTo(AsymmetricAccessState.ActiveOptimized));
            Assert.That(groups[1].State, Is.EqualTo(AsymmetricAccessState.Standby));
            Assert.That(groups[1].StatusCode, Is.EqualTo(2));
            Assert.That(groups[1].RelativeTargetPorts, Is.EqualTo(new ushort[] { 2 }));
        });
    }
}
