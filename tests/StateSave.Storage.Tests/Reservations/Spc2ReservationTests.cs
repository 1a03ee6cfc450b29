using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.Reservations;
using StateSave.Storage.Tests.TestSupport;
using static StateSave.Storage.Tests.Reservations.Pr;

namespace StateSave.Storage.Tests.Reservations;

/// <summary>RESERVE/RELEASE (6) and (10), as libiscsi's Reserve6.* tests drive them.</summary>
public class Spc2ReservationTests
{
    private static readonly byte[] Reserve6 = [0x16, 0, 0, 0, 0, 0];
    private static readonly byte[] Release6 = [0x17, 0, 0, 0, 0, 0];
    private static readonly byte[] Reserve10 = [0x56, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] ModeSense6 = [0x1a, 0, 0x3f, 0, 192, 0];
    private static readonly byte[] Inquiry = [0x12, 0, 0, 0, 36, 0];
    private static readonly byte[] TestUnitReady = [0, 0, 0, 0, 0, 0];

    private RecordingUnitAttentionSink _sink = null!;
    private ReservationManager _manager = null!;

    [SetUp]
    public void SetUp()
    {
        _sink = new RecordingUnitAttentionSink();
        _manager = new ReservationManager(_sink);
    }

    private ScsiCommandResult Reserve(ITNexus nexus, byte[]? cdb = null) =>
        _manager.ReserveAsync(new FakeScsiCommand(cdb ?? Reserve6, nexus: nexus)).AsTask().GetAwaiter().GetResult();

    private ScsiCommandResult Release(ITNexus nexus, byte[]? cdb = null) =>
        _manager.ReleaseAsync(new FakeScsiCommand(cdb ?? Release6, nexus: nexus)).AsTask().GetAwaiter().GetResult();

    [Test]
    public void Two_initiators()
    {
        Assert.That(Reserve(Nexuses.A), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(Reserve(Nexuses.A), Is.EqualTo(ScsiCommandResult.Good), "the holder may reserve again");
        Assert.That(_manager.CheckConflict(Nexuses.B, Reserve6), Is.EqualTo(ScsiCommandResult.ReservationConflict));
        Assert.That(Reserve(Nexuses.B), Is.EqualTo(ScsiCommandResult.ReservationConflict));

        Assert.That(_manager.CheckConflict(Nexuses.B, Release6), Is.Null);
        Assert.That(Release(Nexuses.B), Is.EqualTo(ScsiCommandResult.Good), "RELEASE by another nexus: no effect");
        Assert.That(_manager.Spc2ReservationHolder, Is.EqualTo(Nexuses.A));

        Assert.That(_manager.CheckConflict(Nexuses.A, ModeSense6), Is.Null);
        Assert.That(_manager.CheckConflict(Nexuses.B, ModeSense6), Is.EqualTo(ScsiCommandResult.ReservationConflict));
        Assert.That(_manager.CheckConflict(Nexuses.B, TestUnitReady), Is.EqualTo(ScsiCommandResult.ReservationConflict));
        Assert.That(_manager.CheckConflict(Nexuses.B, Inquiry), Is.Null);
        Assert.That(_manager.CheckConflict(Nexuses.A2, ModeSense6), Is.EqualTo(ScsiCommandResult.ReservationConflict), "another port of the holder's initiator");

        Assert.That(Release(Nexuses.A), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(Reserve(Nexuses.B), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(Release(Nexuses.B), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(_manager.Spc2ReservationHolder, Is.Null);
        Assert.That(_manager.CheckConflict(Nexuses.A, ModeSense6), Is.Null);
    }

    [Test]
    public void Nexus_loss_releases_the_reservation()
    {
        Reserve(Nexuses.A);
        _manager.OnNexusLost(Nexuses.B);
        Assert.That(_manager.Spc2ReservationHolder, Is.EqualTo(Nexuses.A));
        _manager.OnNexusLost(Nexuses.A);
        Assert.That(_manager.Spc2ReservationHolder, Is.Null);
        Assert.That(Reserve(Nexuses.B), Is.EqualTo(ScsiCommandResult.Good));
    }

    [Test]
    public void Logical_unit_reset_releases_the_reservation()
    {
        Reserve(Nexuses.A, Reserve10);
        _manager.OnLogicalUnitReset();
        Assert.That(_manager.CheckConflict(Nexuses.B, ModeSense6), Is.Null);
    }

    [Test]
    public void Persistent_reserve_commands_conflict_with_a_reserve_reservation()
    {
        Reserve(Nexuses.A);
        Assert.That(_manager.CheckConflict(Nexuses.A, [0x5e, 0, 0, 0, 0, 0, 0, 0, 8, 0]), Is.EqualTo(ScsiCommandResult.ReservationConflict));
        Assert.That(_manager.CheckConflict(Nexuses.B, OutCdb(PersistentReserveOutServiceAction.Register, 0, 24)), Is.EqualTo(ScsiCommandResult.ReservationConflict));
    }

    [TestCase(new byte[] { 0x16, 0x10, 0, 0, 0, 0 }, 1, 4)]
    [TestCase(new byte[] { 0x16, 0x01, 0, 0, 0, 0 }, 1, 0)]
    [TestCase(new byte[] { 0x56, 0x02, 0, 0, 0, 0, 0, 0, 0, 0 }, 1, 1)]
    [TestCase(new byte[] { 0x57, 0x10, 0, 0, 0, 0, 0, 0, 0, 0 }, 1, 4)]
    public void Third_party_and_extent_reservations_are_invalid_field_in_cdb(byte[] cdb, int field, int bit)
    {
        ScsiCommandResult result = cdb[0] == 0x57 ? Release(Nexuses.A, cdb) : Reserve(Nexuses.A, cdb);
        AssertSense(result, SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, field, bit);
        Assert.That(_manager.Spc2ReservationHolder, Is.Null);
    }

    [Test]
    public void Reserve_under_persistent_reservation_follows_compatible_reservation_handling()
    {
        Register(_manager, Nexuses.A, 1);
        Register(_manager, Nexuses.B, 2);
        Pr.Reserve(_manager, Nexuses.A, 1, PersistentReservationType.WriteExclusiveRegistrantsOnly);

        Assert.That(Reserve(Nexuses.A), Is.EqualTo(ScsiCommandResult.Good), "holder: no effect");
        Assert.That(Reserve(Nexuses.B), Is.EqualTo(ScsiCommandResult.Good), "registrant of a registrants only type: no effect");
        Assert.That(Release(Nexuses.B), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(_manager.CheckConflict(Nexuses.C, Reserve6), Is.EqualTo(ScsiCommandResult.ReservationConflict));
        Assert.That(Reserve(Nexuses.C), Is.EqualTo(ScsiCommandResult.ReservationConflict));
        Assert.That(_manager.Spc2ReservationHolder, Is.Null);
        Assert.That(ReadReservation(_manager, Nexuses.A), Is.EqualTo((true, 1UL, (byte)5)));
    }
}
