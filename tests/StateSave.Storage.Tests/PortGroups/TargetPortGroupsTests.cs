using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.PortGroups;
using StateSave.Storage.Tests.Reservations;
using StateSave.Storage.Tests.TestSupport;

namespace StateSave.Storage.Tests.PortGroups;

public class TargetPortGroupsTests
{
    private RecordingUnitAttentionSink _sink = null!;
    private TargetPortGroups _groups = null!;

    [SetUp]
    public void SetUp()
    {
        _sink = new RecordingUnitAttentionSink();
        _groups = new TargetPortGroups(explicitTransitions: true, _sink, implicitTransitionTime: 10);
        _groups.AddGroup(1, AsymmetricAccessState.ActiveOptimized, [1], preferred: true);
        _groups.AddGroup(2, AsymmetricAccessState.Standby, [2, 3]);
    }

    private static byte[] ReportCdb(byte format, uint allocationLength) =>
        [0xa3, (byte)((format << 5) | 0x0a), 0, 0, 0, 0, (byte)(allocationLength >> 24), (byte)(allocationLength >> 16), (byte)(allocationLength >> 8), (byte)allocationLength, 0, 0];

    private (ScsiCommandResult Result, byte[] Data) Report(byte format, uint allocationLength = 4096)
    {
        var command = new FakeScsiCommand(ReportCdb(format, allocationLength));
        ScsiCommandResult result = _groups.ReportTargetPortGroupsAsync(command).AsTask().GetAwaiter().GetResult();
        return (result, command.DataIn);
    }

    private ScsiCommandResult Set(byte[] list, ITNexus? nexus = null, uint? length = null)
    {
        uint l = length ?? (uint)list.Length;
        byte[] cdb = [0xa4, 0x0a, 0, 0, 0, 0, (byte)(l >> 24), (byte)(l >> 16), (byte)(l >> 8), (byte)l, 0, 0];
        return _groups.SetTargetPortGroupsAsync(new FakeScsiCommand(cdb, list, nexus: nexus)).AsTask().GetAwaiter().GetResult();
    }

    [Test]
    public void Length_only_format_is_byte_exact()
    {
        (ScsiCommandResult result, byte[] data) = Report(0);
        Assert.That(result, Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(data, Is.EqualTo(new byte[]
        {
            0, 0, 0, 28,
            0x80, 0xcf, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1,
            0x02, 0xcf, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3,
        }));
    }

    [Test]
    public void Extended_format_carries_the_implicit_transition_time()
    {
        byte[] data = Report(1).Data;
        Assert.That(data[..8], Is.EqualTo(new byte[] { 0, 0, 0, 32, 0x10, 10, 0, 0 }));
        Assert.That(data, Has.Length.EqualTo(36));
    }

    [Test]
    public void Allocation_length_truncates()
    {
        Assert.That(Report(0, 6).Data, Is.EqualTo(new byte[] { 0, 0, 0, 28, 0x80, 0xcf }));
    }

    [TestCase((byte)2)]
    [TestCase((byte)7)]
    public void Unknown_parameter_data_format_is_invalid_field_in_cdb(byte format)
    {
        Pr.AssertSense(Report(format).Result, SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 1, 7);
    }

    [Test]
    public void Set_target_port_groups_changes_states_and_reports_the_change()
    {
        Assert.That(Set([0, 0, 0, 0, 0x01, 0, 0, 1, 0x00, 0, 0, 2], Nexuses.A), Is.EqualTo(ScsiCommandResult.Good));

        Assert.That(_groups.GroupOf(Nexuses.AOnPort2)!.State, Is.EqualTo(AsymmetricAccessState.ActiveOptimized));
        Assert.That(_groups.Groups[0].State, Is.EqualTo(AsymmetricAccessState.ActiveNonOptimized));
        Assert.That(Report(0).Data[9], Is.EqualTo(0x01), "STATUS CODE: altered by SET TARGET PORT GROUPS");
        Assert.That(_sink.Established, Is.EqualTo(new[] { (Nexuses.A, AdditionalSenseCode.AsymmetricAccessStateChanged) }));
    }

    [Test]
    public void Set_target_port_groups_errors_change_nothing()
    {
        Pr.AssertSense(Set([0, 0, 0, 0, 0x00, 0, 0, 1, 0x0e, 0, 0, 2]), SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInParameterList, 8, 3, inCdb: false);
        Pr.AssertSense(Set([0, 0, 0, 0, 0x00, 0, 0, 9]), SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInParameterList, 6, null, inCdb: false);
        Pr.AssertSense(Set([0, 0, 0, 0, 0x00, 0, 0]), SenseKey.IllegalRequest, AdditionalSenseCode.ParameterListLengthError, 6, null);
        Pr.AssertSense(Set([0, 0, 0, 0, 0, 0, 0, 1], length: 12), SenseKey.IllegalRequest, AdditionalSenseCode.ParameterListLengthError, 6, null);
        Pr.AssertSense(Set([], length: TargetPortGroups.MaximumParameterListLength + 4), SenseKey.IllegalRequest, AdditionalSenseCode.ParameterListLengthError, 6, null);
        Assert.That(_groups.Groups.Select(g => g.State), Is.EqualTo(new[] { AsymmetricAccessState.ActiveOptimized, AsymmetricAccessState.Standby }));
        Assert.That(_sink.Established, Is.Empty);
    }

    [Test]
    public void Set_target_port_groups_without_explicit_support_is_invalid_field_in_cdb()
    {
        var implicitOnly = new TargetPortGroups(explicitTransitions: false);
        byte[] cdb = [0xa4, 0x0a, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0];
        ScsiCommandResult result = implicitOnly.SetTargetPortGroupsAsync(new FakeScsiCommand(cdb, new byte[8])).AsTask().GetAwaiter().GetResult();
        Pr.AssertSense(result, SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 1, 4);
        Assert.That(implicitOnly.TargetPortGroupSupport, Is.EqualTo(1));
        Assert.That(_groups.TargetPortGroupSupport, Is.EqualTo(3));
    }

    [Test]
    public void Standby_port_admits_management_commands_only()
    {
        Assert.That(_groups.CheckAccess(Nexuses.A, Pr.Read10), Is.Null, "active/optimized");
        Assert.That(_groups.CheckAccess(Nexuses.AOnPort2, [0x12, 0, 0, 0, 36, 0]), Is.Null);
        Assert.That(_groups.CheckAccess(Nexuses.AOnPort2, [0x1a, 0, 0x3f, 0, 192, 0]), Is.Null);
        Assert.That(_groups.CheckAccess(Nexuses.AOnPort2, ReportCdb(0, 64)), Is.Null);
        Pr.AssertSense(_groups.CheckAccess(Nexuses.AOnPort2, Pr.Read10)!.Value, SenseKey.NotReady,
            AdditionalSenseCode.LogicalUnitNotAccessibleTargetPortInStandbyState);
    }

    [Test]
    public void Unavailable_port_refuses_mode_sense()
    {
        _groups.SetState(2, AsymmetricAccessState.Unavailable);
        Pr.AssertSense(_groups.CheckAccess(Nexuses.AOnPort2, [0x1a, 0, 0x3f, 0, 192, 0])!.Value, SenseKey.NotReady,
            AdditionalSenseCode.LogicalUnitNotAccessibleTargetPortInUnavailableState);
        Assert.That(_groups.CheckAccess(Nexuses.AOnPort2, [0x03, 0, 0, 0, 18, 0]), Is.Null);
        Assert.That(Report(0).Data[21], Is.EqualTo(0x02), "STATUS CODE: implicit");
        Assert.That(_sink.Established.Select(e => e.Code), Is.EqualTo(new[] { AdditionalSenseCode.AsymmetricAccessStateChanged }));
    }

    [Test]
    public void A_port_belongs_to_one_group()
    {
        Assert.That(() => _groups.AddGroup(3, AsymmetricAccessState.ActiveOptimized, [3]), Throws.ArgumentException);
    }
}
