using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.LogicalUnits;
using StateSave.Storage.PortGroups;
using StateSave.Storage.Tests.TestSupport;

namespace StateSave.Storage.Tests.PortGroups;

/// <summary>A logical unit's configured target port groups as INQUIRY, VPD 83h and REPORT TARGET PORT GROUPS show them.</summary>
public class LogicalUnitPortGroupTests
{
    private static readonly ITNexus ThroughPort2 = new(
        "iqn.2026-11.test:initiator", "iqn.2026-11.test:initiator,i,0x400001370000",
        "iqn.2026-11.test:target", "iqn.2026-11.test:target,t,0x0002", 2, 2);

    private static TestUnit TwoControllers() => new(store => new BlockLogicalUnitOptions
    {
        Store = store,
        TargetPortGroups =
        [
            new TargetPortGroupDefinition(10, AsymmetricAccessState.ActiveOptimized, [1], Preferred: true),
            new TargetPortGroupDefinition(20, AsymmetricAccessState.ActiveNonOptimized, [2]),
        ],
    });

    /// <summary>The TARGET PORT GROUP designator (type 5h) of a VPD 83h page.</summary>
    private static ushort PortGroupDesignator(byte[] page)
    {
        for (int offset = 4; offset + 4 <= page.Length; offset += 4 + page[offset + 3])
        {
            if ((page[offset + 1] & 0x0f) == 0x05)
            {
                return (ushort)((page[offset + 6] << 8) | page[offset + 7]);
            }
        }

        throw new AssertionException("no target port group designator");
    }

    [Test]
    public async Task Vpd_83h_names_the_group_report_target_port_groups_puts_the_port_in()
    {
        TestUnit unit = TwoControllers();
        await unit.Run([0x00, 0, 0, 0, 0, 0]);
        await unit.Run([0x00, 0, 0, 0, 0, 0], nexus: ThroughPort2);
        var (_, port1) = await unit.Run([0x12, 0x01, 0x83, 0, 255, 0]);
        var (_, port2) = await unit.Run([0x12, 0x01, 0x83, 0, 255, 0], nexus: ThroughPort2);
        var (_, report) = await unit.Run([0xa3, 0x0a, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]);
        byte[] groups = report.DataIn;
        Assert.Multiple(() =>
        {
            Assert.That(PortGroupDesignator(port1.DataIn), Is.EqualTo(10));
            Assert.That(PortGroupDesignator(port2.DataIn), Is.EqualTo(20));
            // First descriptor: PREF, state 0 (active/optimized), group 10, one port: 1.
            Assert.That(groups[4] & 0x8f, Is.EqualTo(0x80));
            Assert.That(groups[6..8], Is.EqualTo(new byte[] { 0, 10 }));
            Assert.That(groups[14..16], Is.EqualTo(new byte[] { 0, 1 }));
            // Second: state 1 (active/non-optimized), group 20, port 2.
            Assert.That(groups[16] & 0x0f, Is.EqualTo(0x01));
            Assert.That(groups[18..20], Is.EqualTo(new byte[] { 0, 20 }));
            Assert.That(groups[26..28], Is.EqualTo(new byte[] { 0, 2 }));
        });
    }

    [Test]
    public async Task A_port_in_an_unavailable_group_gets_NOT_READY_for_media_access()
    {
        var unit = new TestUnit(store => new BlockLogicalUnitOptions
        {
            Store = store,
            TargetPortGroups =
            [
                new TargetPortGroupDefinition(1, AsymmetricAccessState.ActiveOptimized, [1]),
                new TargetPortGroupDefinition(2, AsymmetricAccessState.Unavailable, [2]),
            ],
        });
        await unit.Run([0x00, 0, 0, 0, 0, 0], nexus: ThroughPort2);
        var (read, _) = await unit.Run([0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0], nexus: ThroughPort2);
        var (inquiry, _) = await unit.Run([0x12, 0, 0, 0, 96, 0], nexus: ThroughPort2);
        Assert.That(TestUnit.Encode(read.Sense), Is.EqualTo(TestUnit.Fixed(0x02, 0x04, 0x0c)));
        Assert.That(inquiry.Status, Is.EqualTo(ScsiStatus.Good));
    }
}
