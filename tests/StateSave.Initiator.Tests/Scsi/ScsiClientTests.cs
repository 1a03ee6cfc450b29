using StateSave.Initiator.Commands;
using StateSave.Initiator.Scsi;
using StateSave.Initiator.Sessions;
using StateSave.Initiator.Tests.TestSupport;
using StateSave.Scsi;

namespace StateSave.Initiator.Tests.Scsi;

public sealed class ScsiClientTests
{
    private TestTarget _target = null!;
    private IscsiSession _session = null!;
    private ScsiClient _client = null!;

    [SetUp]
    public async Task SetUp()
    {
        _target = await TestTarget.StartAsync(blocks: 4096);
        _session = await _target.LoginAsync();
        await TestTarget.ClearUnitAttentionsAsync(_session, 1);
        _client = new ScsiClient(_session, LogicalUnitNumber.Zero);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _session.DisposeAsync();
        await _target.DisposeAsync();
    }

    [Test]
    public async Task Inquiry_standard_and_vpd_pages_are_parsed()
    {
        StandardInquiryData standard = await _client.InquiryAsync();
        IReadOnlyList<byte> pages = await _client.SupportedVpdPagesAsync();
        string serial = await new ScsiClient(_session, LogicalUnitNumber.FromSingleLevel(1)).UnitSerialNumberAsync();
        IReadOnlyList<Designator> designators = await _client.DeviceIdentificationAsync();
        Assert.Multiple(() =>
        {
            Assert.That(standard.ProductIdentification, Is.EqualTo("VIRTUAL-DISK"));
            Assert.That(standard.ProductRevisionLevel, Is.EqualTo("0001"));
            Assert.That(pages, Does.Contain((byte)0x00).And.Contain((byte)0x80).And.Contain((byte)0x83));
            Assert.That(serial, Is.EqualTo("LUN1SERIAL"));
            Assert.That(designators.Where(d => d.Type == DesignatorType.Naa && d.Association == DesignatorAssociation.LogicalUnit).Select(d => d.Naa),
                Does.Contain("60014050000000010000000000000000"));
            Assert.That(designators.Any(d => d.RelativeTargetPort is not null), Is.True, "relative target port designator");
            Assert.That(designators.Any(d => d.TargetPortGroup is not null), Is.True, "target port group designator");
        });
    }

    [Test]
    public async Task Report_luns_and_read_capacity_describe_both_units()
    {
        IReadOnlyList<LogicalUnitNumber> luns = await _client.ReportLunsAsync();
        ReadCapacityData capacity10 = await _client.ReadCapacity10Async();
        ReadCapacityData capacity16 = await new ScsiClient(_session, LogicalUnitNumber.FromSingleLevel(1)).ReadCapacity16Async();
        Assert.Multiple(() =>
        {
            Assert.That(luns, Is.EqualTo(new[] { LogicalUnitNumber.Zero, LogicalUnitNumber.FromSingleLevel(1) }));
            Assert.That(capacity10.BlockCount, Is.EqualTo(4096ul));
            Assert.That(capacity10.BlockLength, Is.EqualTo(512u));
            Assert.That(capacity16.BlockCount, Is.EqualTo(2048ul));
            Assert.That(capacity16.BlockLength, Is.EqualTo(4096u));
            Assert.That(capacity16.ThinProvisioningEnabled, Is.True);
        });
    }

    [Test]
    public async Task Request_sense_mode_sense_and_synchronize_cache_work()
    {
        SenseData? sense = await _client.RequestSenseAsync();
        byte[] caching = await _client.ModeSenseAsync(0x08);
        ScsiCommandResponse sync = await _client.SynchronizeCacheAsync();
        Assert.Multiple(() =>
        {
            Assert.That(sense?.SenseKey ?? SenseKey.NoSense, Is.EqualTo(SenseKey.NoSense));
            Assert.That(caching.Length, Is.GreaterThan(8));
            Assert.That(caching[8] & 0x3F, Is.EqualTo(0x08), "the caching page follows the 8-byte header");
            Assert.That(sync.IsGood, Is.True);
        });
    }

    [Test]
    public async Task Persistent_reservations_register_reserve_read_release_and_clear()
    {
        await _client.RegisterAsync(0xABCD);
        await _client.ReserveAsync(0xABCD, PersistentReservationType.WriteExclusive);
        PersistentReserveKeys keys = await _client.PersistentReserveReadKeysAsync();
        PersistentReservation held = await _client.PersistentReserveReadReservationAsync();
        await _client.ReleaseAsync(0xABCD, PersistentReservationType.WriteExclusive);
        PersistentReservation released = await _client.PersistentReserveReadReservationAsync();
        await _client.ClearAsync(0xABCD);
        PersistentReserveKeys cleared = await _client.PersistentReserveReadKeysAsync();
        ScsiCommandException error = Assert.ThrowsAsync<ScsiCommandException>(() => _client.ReserveAsync(0x9999, PersistentReservationType.WriteExclusive))!;
        Assert.Multiple(() =>
        {
            Assert.That(keys.Keys, Is.EqualTo(new[] { 0xABCDul }));
            Assert.That(held.ReservationKey, Is.EqualTo(0xABCDul));
            Assert.That(held.Type, Is.EqualTo(PersistentReservationType.WriteExclusive));
            Assert.That(released.ReservationKey, Is.Null);
            Assert.That(cleared.Keys, Is.Empty);
            Assert.That(cleared.Generation, Is.GreaterThan(keys.Generation));
            Assert.That(error.Response.Status, Is.EqualTo(ScsiStatus.ReservationConflict));
        });
    }

    [Test]
    public async Task Preempt_by_a_second_initiator_port_takes_over_the_reservation()
    {
        var otherIsid = StateSave.Iscsi.Protocol.Isid.FromFields(StateSave.Iscsi.Protocol.Isid.TypeRandom, 1, 0x1234, 0, 0x5678);
        await using IscsiSession other = await _target.Initiator().LoginAsync(_target.Portal, TestTarget.TargetName, otherIsid);
        await TestTarget.ClearUnitAttentionsAsync(other);
        var second = new ScsiClient(other, LogicalUnitNumber.Zero);
        await _client.RegisterAsync(0x1111);
        await _client.ReserveAsync(0x1111, PersistentReservationType.ExclusiveAccess);
        await second.RegisterAsync(0x2222);
        ScsiCommandResponse blocked = await second.Read10Async(0, 1, new byte[512]);
        await second.PreemptAsync(0x2222, 0x1111, PersistentReservationType.ExclusiveAccess);
        PersistentReservation now = await second.PersistentReserveReadReservationAsync();
        PersistentReserveKeys keys = await second.PersistentReserveReadKeysAsync();
        await second.ClearAsync(0x2222);
        Assert.Multiple(() =>
        {
            Assert.That(blocked.Status, Is.EqualTo(ScsiStatus.ReservationConflict));
            Assert.That(now.ReservationKey, Is.EqualTo(0x2222ul));
            Assert.That(now.Type, Is.EqualTo(PersistentReservationType.ExclusiveAccess));
            Assert.That(keys.Keys, Is.EqualTo(new[] { 0x2222ul }));
        });
    }

    [Test]
    public async Task Report_target_port_groups_parses_the_states()
    {
        _target.Unit.PortGroups.AddGroup(1, StateSave.Storage.PortGroups.AsymmetricAccessState.ActiveOptimized, [1], preferred: true);
        _target.Unit.PortGroups.AddGroup(2, StateSave.Storage.PortGroups.AsymmetricAccessState.Standby, [2]);
        IReadOnlyList<TargetPortGroupDescriptor> groups = await _client.ReportTargetPortGroupsAsync();
        Assert.That(groups, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(groups[0].TargetPortGroup, Is.EqualTo(1));
            Assert.That(groups[0].State, Is.EqualTo(AsymmetricAccessState.ActiveOptimized));
            Assert.That(groups[0].Preferred, Is.True);
            Assert.That(groups[0].RelativeTargetPorts, Is.EqualTo(new ushort[] { 1 }));
            Assert.That(groups[1].State, Is.EqualTo(AsymmetricAccessState.Standby));
            Assert.That(groups[1].RelativeTargetPorts, Is.EqualTo(new ushort[] { 2 }));
        });
    }

    [Test]
    public async Task Write_buffer_then_read_buffer_returns_the_data_and_error_history_has_a_directory()
    {
        byte[] data = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        await _client.WriteBufferAsync(0x02, 0, 0, data);
        byte[] back = new byte[256];
        int read = await _client.ReadBufferAsync(0x02, 0, 0, back);
        byte[] directory = await _client.ReadErrorHistoryDirectoryAsync();
        Assert.Multiple(() =>
        {
            Assert.That(read, Is.EqualTo(256));
            Assert.That(back, Is.EqualTo(data));
            Assert.That(directory.Length, Is.GreaterThanOrEqualTo(32), "error history directory header");
        });
    }

    [Test]
    public async Task Raw_cdb_submission_returns_the_typed_result()
    {
        ScsiCommandResponse r = await _client.ExecuteAsync([0xFF, 0, 0, 0, 0, 0]);
        Assert.Multiple(() =>
        {
            Assert.That(r.Status, Is.EqualTo(ScsiStatus.CheckCondition));
            Assert.That(r.Sense?.SenseKey, Is.EqualTo(SenseKey.IllegalRequest));
            Assert.That(r.Sense?.AdditionalSenseCode, Is.EqualTo(AdditionalSenseCode.InvalidCommandOperationCode));
        });
    }
}
