using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.Reservations;
using static StateSave.Storage.Tests.Reservations.Pr;

namespace StateSave.Storage.Tests.Reservations;

/// <summary>Who may read and write under each reservation type (SPC-5 §5.14.3, SBC-4 §4.16), as libiscsi's ProutReserve.Access* and Ownership* check.</summary>
public class ReservationAccessTests
{
    private RecordingUnitAttentionSink _sink = null!;
    private ReservationManager _manager = null!;

    [SetUp]
    public void SetUp()
    {
        _sink = new RecordingUnitAttentionSink();
        _manager = new ReservationManager(_sink);
    }

    // type, registered B can read, can write, unregistered B can read, can write
    [TestCase(PersistentReservationType.ExclusiveAccess, false, false, false, false)]
    [TestCase(PersistentReservationType.WriteExclusive, true, false, true, false)]
    [TestCase(PersistentReservationType.ExclusiveAccessRegistrantsOnly, true, true, false, false)]
    [TestCase(PersistentReservationType.WriteExclusiveRegistrantsOnly, true, true, true, false)]
    [TestCase(PersistentReservationType.ExclusiveAccessAllRegistrants, true, true, false, false)]
    [TestCase(PersistentReservationType.WriteExclusiveAllRegistrants, true, true, true, false)]
    public void Access_by_type(PersistentReservationType type, bool registeredRead, bool registeredWrite, bool unregisteredRead, bool unregisteredWrite)
    {
        Assert.That(Register(_manager, Nexuses.A, 0xa), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(Register(_manager, Nexuses.B, 0xb), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(Reserve(_manager, Nexuses.A, 0xa, type), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(ReadReservation(_manager, Nexuses.A), Is.EqualTo((true, type.IsAllRegistrants() ? 0UL : 0xaUL, (byte)type)));

        Assert.That(CanRun(_manager, Nexuses.A, Read10), Is.True);
        Assert.That(CanRun(_manager, Nexuses.A, Write10), Is.True);
        Assert.That(CanRun(_manager, Nexuses.B, Read10), Is.EqualTo(registeredRead));
        Assert.That(CanRun(_manager, Nexuses.B, Write10), Is.EqualTo(registeredWrite));
        Assert.That(_manager.CheckConflict(Nexuses.B, Write10), Is.EqualTo(registeredWrite ? null : ScsiCommandResult.ReservationConflict));

        Assert.That(Out(_manager, Nexuses.B, PersistentReserveOutServiceAction.Register, 0xb, 0), Is.EqualTo(ScsiCommandResult.Good));

        Assert.That(CanRun(_manager, Nexuses.B, Read10), Is.EqualTo(unregisteredRead));
        Assert.That(CanRun(_manager, Nexuses.B, Write10), Is.EqualTo(unregisteredWrite));
        Assert.That(Out(_manager, Nexuses.A, PersistentReserveOutServiceAction.Release, 0xa, 0, type), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(Out(_manager, Nexuses.A, PersistentReserveOutServiceAction.Register, 0xa, 0), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(CanRun(_manager, Nexuses.B, Write10), Is.True);
    }

    // type, reservation survives the holder unregistering
    [TestCase(PersistentReservationType.ExclusiveAccess, false)]
    [TestCase(PersistentReservationType.WriteExclusive, false)]
    [TestCase(PersistentReservationType.ExclusiveAccessRegistrantsOnly, false)]
    [TestCase(PersistentReservationType.WriteExclusiveRegistrantsOnly, false)]
    [TestCase(PersistentReservationType.ExclusiveAccessAllRegistrants, true)]
    [TestCase(PersistentReservationType.WriteExclusiveAllRegistrants, true)]
    public void Ownership_when_the_holder_unregisters(PersistentReservationType type, bool shared)
    {
        Register(_manager, Nexuses.A, 0xa);
        Register(_manager, Nexuses.B, 0xb);
        Reserve(_manager, Nexuses.A, 0xa, type);

        Assert.That(Out(_manager, Nexuses.A, PersistentReserveOutServiceAction.Register, 0xa, 0), Is.EqualTo(ScsiCommandResult.Good));

        if (shared)
        {
            Assert.That(ReadReservation(_manager, Nexuses.A), Is.EqualTo((true, 0UL, (byte)type)));
            Assert.That(_sink.Established, Is.Empty);
            Assert.That(Out(_manager, Nexuses.B, PersistentReserveOutServiceAction.Release, 0xb, 0, type), Is.EqualTo(ScsiCommandResult.Good));
            Assert.That(ReadReservation(_manager, Nexuses.A).Reserved, Is.False);
        }
        else
        {
            Assert.That(ReadReservation(_manager, Nexuses.A).Reserved, Is.False);
            Assert.That(_sink.For(Nexuses.B), type.IsRegistrantsOnly() ? Is.EqualTo(new[] { AdditionalSenseCode.ReservationsReleased }) : Is.Empty);
        }

        Assert.That(Out(_manager, Nexuses.B, PersistentReserveOutServiceAction.Register, 0xb, 0), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(ReadKeys(_manager, Nexuses.A), Is.Empty);
    }

    [Test]
    public void All_registrants_reservation_ends_with_the_last_registration()
    {
        Register(_manager, Nexuses.A, 0xa);
        Reserve(_manager, Nexuses.A, 0xa, PersistentReservationType.ExclusiveAccessAllRegistrants);
        Out(_manager, Nexuses.A, PersistentReserveOutServiceAction.Register, 0xa, 0);
        Assert.That(ReadReservation(_manager, Nexuses.B).Reserved, Is.False);
        Assert.That(CanRun(_manager, Nexuses.B, Write10), Is.True);
    }

    // Commands from SPC-5's table: allowed for everyone, reads (pass WE, conflict EA) and writes (conflict both).
    [TestCase(new byte[] { 0x12, 0, 0, 0, 36, 0 }, true, true, TestName = "INQUIRY")]
    [TestCase(new byte[] { 0x00, 0, 0, 0, 0, 0 }, true, true, TestName = "TEST UNIT READY")]
    [TestCase(new byte[] { 0x03, 0, 0, 0, 18, 0 }, true, true, TestName = "REQUEST SENSE")]
    [TestCase(new byte[] { 0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0 }, true, true, TestName = "REPORT LUNS")]
    [TestCase(new byte[] { 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, true, true, TestName = "READ CAPACITY(10)")]
    [TestCase(new byte[] { 0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0 }, true, true, TestName = "READ CAPACITY(16)")]
    [TestCase(new byte[] { 0x5e, 0, 0, 0, 0, 0, 0, 0, 8, 0 }, true, true, TestName = "PERSISTENT RESERVE IN")]
    [TestCase(new byte[] { 0x4d, 0, 0, 0, 0, 0, 0, 0, 8, 0 }, true, true, TestName = "LOG SENSE")]
    [TestCase(new byte[] { 0xa3, 0x0a, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0 }, true, true, TestName = "REPORT TARGET PORT GROUPS")]
    [TestCase(new byte[] { 0x1e, 0, 0, 0, 0, 0 }, true, true, TestName = "PREVENT ALLOW MEDIUM REMOVAL prevent 0")]
    [TestCase(new byte[] { 0x1e, 0, 0, 0, 1, 0 }, false, false, TestName = "PREVENT ALLOW MEDIUM REMOVAL prevent 1")]
    [TestCase(new byte[] { 0x1b, 0, 0, 0, 1, 0 }, true, true, TestName = "START STOP UNIT start")]
    [TestCase(new byte[] { 0x1b, 0, 0, 0, 0, 0 }, false, false, TestName = "START STOP UNIT stop")]
    [TestCase(new byte[] { 0x1a, 0, 0x3f, 0, 192, 0 }, true, false, TestName = "MODE SENSE(6)")]
    [TestCase(new byte[] { 0x3c, 0x02, 0, 0, 0, 0, 0, 0, 16, 0 }, true, false, TestName = "READ BUFFER(10)")]
    [TestCase(new byte[] { 0xa3, 0x0c, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0 }, true, false, TestName = "REPORT SUPPORTED OPERATION CODES")]
    [TestCase(new byte[] { 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0 }, true, false, TestName = "READ(16)")]
    [TestCase(new byte[] { 0x2f, 0, 0, 0, 0, 0, 0, 0, 1, 0 }, true, false, TestName = "VERIFY(10)")]
    [TestCase(new byte[] { 0x9e, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0 }, true, false, TestName = "GET LBA STATUS")]
    [TestCase(new byte[] { 0x7f, 0, 0, 0, 0, 0, 0, 0x18, 0, 0x09, 0, 0, 0, 0, 0, 0 }, true, false, TestName = "READ(32)")]
    [TestCase(new byte[] { 0x7f, 0, 0, 0, 0, 0, 0, 0x18, 0, 0x0b, 0, 0, 0, 0, 0, 0 }, false, false, TestName = "WRITE(32)")]
    [TestCase(new byte[] { 0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, false, false, TestName = "SYNCHRONIZE CACHE(10)")]
    [TestCase(new byte[] { 0x15, 0x10, 0, 0, 12, 0 }, false, false, TestName = "MODE SELECT(6)")]
    [TestCase(new byte[] { 0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0 }, false, false, TestName = "UNMAP")]
    [TestCase(new byte[] { 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0 }, false, false, TestName = "COMPARE AND WRITE")]
    [TestCase(new byte[] { 0x3b, 0x02, 0, 0, 0, 0, 0, 0, 16, 0 }, false, false, TestName = "WRITE BUFFER")]
    [TestCase(new byte[] { 0x83, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, false, false, TestName = "EXTENDED COPY")]
    [TestCase(new byte[] { 0x16, 0, 0, 0, 0, 0 }, false, false, TestName = "RESERVE(6)")]
    [TestCase(new byte[] { 0xc5, 0, 0, 0, 0, 0 }, false, false, TestName = "vendor specific")]
    public void Non_holder_under_write_exclusive_and_exclusive_access(byte[] cdb, bool allowedUnderWriteExclusive, bool allowedUnderExclusiveAccess)
    {
        Register(_manager, Nexuses.A, 0xa);
        Register(_manager, Nexuses.B, 0xb);
        Reserve(_manager, Nexuses.A, 0xa, PersistentReservationType.WriteExclusive);
        Assert.That(CanRun(_manager, Nexuses.B, cdb), Is.EqualTo(allowedUnderWriteExclusive), "WE, registered");
        Assert.That(CanRun(_manager, Nexuses.C, cdb), Is.EqualTo(allowedUnderWriteExclusive), "WE, not registered");
        Assert.That(CanRun(_manager, Nexuses.A, cdb), Is.True, "holder");

        Out(_manager, Nexuses.A, PersistentReserveOutServiceAction.Release, 0xa, 0, PersistentReservationType.WriteExclusive);
        Reserve(_manager, Nexuses.A, 0xa, PersistentReservationType.ExclusiveAccess);
        Assert.That(CanRun(_manager, Nexuses.B, cdb), Is.EqualTo(allowedUnderExclusiveAccess), "EA, registered");
        Assert.That(CanRun(_manager, Nexuses.A, cdb), Is.True, "holder");

        Out(_manager, Nexuses.A, PersistentReserveOutServiceAction.Release, 0xa, 0, PersistentReservationType.ExclusiveAccess);
        Reserve(_manager, Nexuses.A, 0xa, PersistentReservationType.ExclusiveAccessRegistrantsOnly);
        Assert.That(CanRun(_manager, Nexuses.B, cdb), Is.True, "EARO, registered");
        Assert.That(CanRun(_manager, Nexuses.C, cdb), Is.EqualTo(allowedUnderExclusiveAccess), "EARO, not registered");
    }

    [Test]
    public void Persistent_reserve_out_is_left_to_its_handler()
    {
        Register(_manager, Nexuses.A, 0xa);
        Reserve(_manager, Nexuses.A, 0xa, PersistentReservationType.ExclusiveAccess);
        Assert.That(CanRun(_manager, Nexuses.C, OutCdb(PersistentReserveOutServiceAction.Register, 0, 24)), Is.True);
    }

    [Test]
    public void Registration_is_per_I_T_nexus()
    {
        Register(_manager, Nexuses.A, 0xa);
        Reserve(_manager, Nexuses.A, 0xa, PersistentReservationType.ExclusiveAccess);

        Assert.That(CanRun(_manager, Nexuses.A2, Read10), Is.False, "other initiator port of A");
        Assert.That(CanRun(_manager, Nexuses.AOnPort2, Read10), Is.False, "A through another target port");
        Assert.That(_manager.IsRegistered(Nexuses.A2), Is.False);
    }

    [Test]
    public void All_target_ports_registration_covers_every_target_port()
    {
        Register(_manager, Nexuses.A, 0xa, flags: 0x04);
        Reserve(_manager, Nexuses.A, 0xa, PersistentReservationType.ExclusiveAccess);

        Assert.That(CanRun(_manager, Nexuses.AOnPort2, Write10), Is.True);
        Assert.That(_manager.IsRegistered(Nexuses.AOnPort2), Is.True);
        Assert.That(CanRun(_manager, Nexuses.A2, Write10), Is.False);
    }
}
