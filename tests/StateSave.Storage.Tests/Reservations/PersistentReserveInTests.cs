using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.Reservations;
using static StateSave.Storage.Tests.Reservations.Pr;

namespace StateSave.Storage.Tests.Reservations;

public class PersistentReserveInTests
{
    private RecordingUnitAttentionSink _sink = null!;
    private ReservationManager _manager = null!;

    [SetUp]
    public void SetUp()
    {
        _sink = new RecordingUnitAttentionSink();
        _manager = new ReservationManager(_sink, new InMemoryReservationStore());
    }

    [Test]
    public void ReadKeys_lists_every_registration_with_the_generation()
    {
        Register(_manager, Nexuses.A, 0x1122334455667788);
        Register(_manager, Nexuses.B, 0x0a);

        (ScsiCommandResult result, byte[] data) = In(_manager, Nexuses.A, 0);

        Assert.That(result, Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(data, Is.EqualTo(new byte[]
        {
            0, 0, 0, 2, 0, 0, 0, 16,
            0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
            0, 0, 0, 0, 0, 0, 0, 0x0a,
        }));
    }

    [Test]
    public void ReadKeys_truncated_keeps_the_additional_length()
    {
        Register(_manager, Nexuses.A, 5);

        (ScsiCommandResult result, byte[] data) = In(_manager, Nexuses.A, 0, allocationLength: 8);

        Assert.That(result, Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(data, Is.EqualTo(new byte[] { 0, 0, 0, 1, 0, 0, 0, 8 }));
    }

    [Test]
    public void ReadReservation_without_reservation_has_no_descriptor()
    {
        Assert.That(In(_manager, Nexuses.A, 1).Data, Is.EqualTo(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0 }));
    }

    [Test]
    public void ReadReservation_reports_holder_key_and_type()
    {
        Register(_manager, Nexuses.A, 0x77);
        Reserve(_manager, Nexuses.A, 0x77, PersistentReservationType.ExclusiveAccessRegistrantsOnly);

        Assert.That(In(_manager, Nexuses.B, 1).Data, Is.EqualTo(new byte[]
        {
            0, 0, 0, 1, 0, 0, 0, 16,
            0, 0, 0, 0, 0, 0, 0, 0x77,
            0, 0, 0, 0, 0, 0x06, 0, 0,
        }));
    }

    [Test]
    public void ReadReservation_of_all_registrants_type_reports_key_zero()
    {
        Register(_manager, Nexuses.A, 0x77);
        Reserve(_manager, Nexuses.A, 0x77, PersistentReservationType.WriteExclusiveAllRegistrants);

        Assert.That(ReadReservation(_manager, Nexuses.A), Is.EqualTo((true, 0UL, (byte)7)));
    }

    [Test]
    public void ReportCapabilities_is_byte_exact()
    {
        Assert.That(In(_manager, Nexuses.A, 2).Data, Is.EqualTo(new byte[] { 0, 8, 0x1d, 0xa0, 0xea, 0x01, 0, 0 }));
    }

    [Test]
    public void ReportCapabilities_shows_ptpl_active_and_no_ptpl_without_store()
    {
        Register(_manager, Nexuses.A, 1, flags: 0x01);
        Assert.That(In(_manager, Nexuses.A, 2).Data[3], Is.EqualTo(0xa1));

        var noStore = new ReservationManager(_sink);
        Assert.That(In(noStore, Nexuses.A, 2).Data[2], Is.EqualTo(0x1c));
    }

    [Test]
    public void ReadFullStatus_describes_each_registration()
    {
        Register(_manager, Nexuses.A, 0x10);
        Register(_manager, Nexuses.B, 0x20, flags: 0x04);
        Reserve(_manager, Nexuses.A, 0x10, PersistentReservationType.WriteExclusive);

        byte[] data = In(_manager, Nexuses.A, 3).Data;

        byte[] transportIdA = new byte[40];
        transportIdA[0] = 0x45;
        transportIdA[3] = 36;
        "iqn.2026-11.test:a,i,0x400001370000"u8.CopyTo(transportIdA.AsSpan(4));
        byte[] transportIdB = new byte[40];
        transportIdB[0] = 0x45;
        transportIdB[3] = 36;
        "iqn.2026-11.test:b,i,0x400001370000"u8.CopyTo(transportIdB.AsSpan(4));

        byte[] expected =
        [
            0, 0, 0, 2, 0, 0, 0, 128,
            0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0x01, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 40, .. transportIdA,
            0, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0, 0x02, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 40, .. transportIdB,
        ];
        Assert.That(data, Is.EqualTo(expected));
    }

    [Test]
    public void Every_reserved_service_action_is_invalid_field_in_cdb()
    {
        for (byte serviceAction = 4; serviceAction < 0x20; serviceAction++)
        {
            AssertSense(In(_manager, Nexuses.A, serviceAction).Result, SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 1, 4);
        }
    }

    [Test]
    public void Allocation_length_zero_sends_nothing()
    {
        Register(_manager, Nexuses.A, 1);
        (ScsiCommandResult result, byte[] data) = In(_manager, Nexuses.A, 0, allocationLength: 0);
        Assert.That(result, Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(data, Is.Empty);
    }
}
