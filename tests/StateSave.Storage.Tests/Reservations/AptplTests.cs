using StateSave.Scsi;
using StateSave.Storage.Reservations;
using static StateSave.Storage.Tests.Reservations.Pr;
using SA = StateSave.Scsi.PersistentReserveOutServiceAction;

namespace StateSave.Storage.Tests.Reservations;

/// <summary>Activate persist through power loss (SPC-5 §5.14.5): a new manager on the same store is the logical unit after power on.</summary>
public class AptplTests
{
    private string _directory = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "statesave-aptpl-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private IEnumerable<IReservationStore> Stores()
    {
        yield return new InMemoryReservationStore();
        yield return new JsonFileReservationStore(Path.Combine(_directory, "lun0.json"));
    }

    [Test]
    public void Registrations_and_reservation_survive_power_loss_with_aptpl()
    {
        foreach (IReservationStore store in Stores())
        {
            var before = new ReservationManager(new RecordingUnitAttentionSink(), store);
            Register(before, Nexuses.A, 0xa1, flags: 0x01);
            Register(before, Nexuses.B, 0xb2, flags: 0x05);
            Reserve(before, Nexuses.A, 0xa1, PersistentReservationType.ExclusiveAccess);

            var after = new ReservationManager(new RecordingUnitAttentionSink(), store);

            Assert.That(ReadKeys(after, Nexuses.C), Is.EqualTo(new ulong[] { 0xa1, 0xb2 }), store.GetType().Name);
            Assert.That(ReadReservation(after, Nexuses.C), Is.EqualTo((true, 0xa1UL, (byte)3)));
            Assert.That(after.Generation, Is.EqualTo(before.Generation));
            Assert.That(CanRun(after, Nexuses.A, Write10), Is.True);
            Assert.That(CanRun(after, Nexuses.B, Read10), Is.False);
            Assert.That(after.IsRegistered(Nexuses.Make("iqn.2026-11.test:b", "400001370000", 9)), Is.True, "ALL_TG_PT survives");
            Assert.That(In(after, Nexuses.A, 2).Data[3] & 0x01, Is.EqualTo(1), "PTPL_A");
        }
    }

    [Test]
    public void Register_without_aptpl_forgets_the_saved_state()
    {
        foreach (IReservationStore store in Stores())
        {
            var before = new ReservationManager(new RecordingUnitAttentionSink(), store);
            Register(before, Nexuses.A, 0xa1, flags: 0x01);
            Assert.That(store.Load(), Is.Not.Null);
            Register(before, Nexuses.B, 0xb2);
            Assert.That(store.Load(), Is.Null);

            var after = new ReservationManager(new RecordingUnitAttentionSink(), store);
            Assert.That(ReadKeys(after, Nexuses.A), Is.Empty);
        }
    }

    [Test]
    public void Clear_is_persisted()
    {
        var store = new InMemoryReservationStore();
        var before = new ReservationManager(new RecordingUnitAttentionSink(), store);
        Register(before, Nexuses.A, 0xa1, flags: 0x01);
        Out(before, Nexuses.A, SA.Clear, 0xa1, 0);

        var after = new ReservationManager(new RecordingUnitAttentionSink(), store);
        Assert.That(ReadKeys(after, Nexuses.A), Is.Empty);
    }

    [Test]
    public void A_failing_store_undoes_the_change()
    {
        var manager = new ReservationManager(new RecordingUnitAttentionSink(), new FailingStore());
        AssertSense(Register(manager, Nexuses.A, 0xa1, flags: 0x01), SenseKey.HardwareError, AdditionalSenseCode.InternalTargetFailure);
        Assert.That(ReadKeys(manager, Nexuses.A), Is.Empty);
        Assert.That(manager.Generation, Is.Zero);
    }

    [Test]
    public void Json_store_ignores_a_corrupt_file()
    {
        string path = Path.Combine(_directory, "bad.json");
        File.WriteAllText(path, "{ not json");
        Assert.That(new JsonFileReservationStore(path).Load(), Is.Null);
    }

    private sealed class FailingStore : IReservationStore
    {
        public PersistentReservationState? Load() => null;

        public void Save(PersistentReservationState state) => throw new IOException("disk full");

        public void Delete() => throw new IOException("disk full");
    }
}
