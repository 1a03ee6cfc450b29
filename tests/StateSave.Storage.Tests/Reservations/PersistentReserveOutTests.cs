using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.Reservations;
using StateSave.Storage.Tests.TestSupport;
using static StateSave.Storage.Tests.Reservations.Pr;
using SA = StateSave.Scsi.PersistentReserveOutServiceAction;
using Type = StateSave.Storage.Reservations.PersistentReservationType;

namespace StateSave.Storage.Tests.Reservations;

public class PersistentReserveOutTests
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
    public void Register_then_reregister_with_wrong_key_conflicts_then_unregister()
    {
        Assert.That(Out(_manager, Nexuses.A, SA.Register, 0, 0x100), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(ReadKeys(_manager, Nexuses.A), Is.EqualTo(new ulong[] { 0x100 }));
        Assert.That(Out(_manager, Nexuses.A, SA.Register, 0, 0x101), Is.EqualTo(ScsiCommandResult.ReservationConflict));
        Assert.That(Out(_manager, Nexuses.A, SA.Register, 0x100, 0x102), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(ReadKeys(_manager, Nexuses.A), Is.EqualTo(new ulong[] { 0x102 }));
        Assert.That(Out(_manager, Nexuses.A, SA.Register, 0x102, 0), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(ReadKeys(_manager, Nexuses.A), Is.Empty);
        Assert.That(_manager.Generation, Is.EqualTo(3));
    }

    [Test]
    public void Register_from_unregistered_nexus_with_nonzero_key_conflicts()
    {
        Assert.That(Out(_manager, Nexuses.A, SA.Register, 5, 6), Is.EqualTo(ScsiCommandResult.ReservationConflict));
        Assert.That(_manager.Generation, Is.Zero);
    }

    [Test]
    public void Register_and_ignore_replaces_any_key()
    {
        Register(_manager, Nexuses.A, 1);
        Assert.That(Out(_manager, Nexuses.A, SA.RegisterAndIgnoreExistingKey, 0x999, 2), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(ReadKeys(_manager, Nexuses.A), Is.EqualTo(new ulong[] { 2 }));
    }

    [Test]
    public void Unregistering_an_unregistered_nexus_changes_nothing()
    {
        Assert.That(Out(_manager, Nexuses.A, SA.Register, 0, 0), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(_manager.Generation, Is.Zero);
    }

    [Test]
    public void Reserve_and_release_do_not_change_the_generation()
    {
        Register(_manager, Nexuses.A, 1);
        uint generation = _manager.Generation;
        Assert.That(Reserve(_manager, Nexuses.A, 1, Type.ExclusiveAccess), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(Reserve(_manager, Nexuses.A, 1, Type.ExclusiveAccess), Is.EqualTo(ScsiCommandResult.Good), "same reservation again");
        Assert.That(Out(_manager, Nexuses.A, SA.Release, 1, 0, Type.ExclusiveAccess), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(_manager.Generation, Is.EqualTo(generation));
    }

    [Test]
    public void Reserve_conflicts_for_unregistered_wrong_key_other_holder_and_other_type()
    {
        Register(_manager, Nexuses.A, 1);
        Register(_manager, Nexuses.B, 2);
        Assert.That(Reserve(_manager, Nexuses.C, 0, Type.WriteExclusive), Is.EqualTo(ScsiCommandResult.ReservationConflict), "unregistered");
        Assert.That(Reserve(_manager, Nexuses.A, 2, Type.WriteExclusive), Is.EqualTo(ScsiCommandResult.ReservationConflict), "wrong key");
        Assert.That(Reserve(_manager, Nexuses.A, 1, Type.WriteExclusive), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(Reserve(_manager, Nexuses.B, 2, Type.WriteExclusive), Is.EqualTo(ScsiCommandResult.ReservationConflict), "other holder");
        Assert.That(Reserve(_manager, Nexuses.A, 1, Type.ExclusiveAccess), Is.EqualTo(ScsiCommandResult.ReservationConflict), "holder, other type");
    }

    [Test]
    public void Release_by_non_holder_is_good_without_effect()
    {
        Register(_manager, Nexuses.A, 1);
        Register(_manager, Nexuses.B, 2);
        Reserve(_manager, Nexuses.A, 1, Type.ExclusiveAccess);
        Assert.That(Out(_manager, Nexuses.B, SA.Release, 2, 0, Type.ExclusiveAccess), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(ReadReservation(_manager, Nexuses.A), Is.EqualTo((true, 1UL, (byte)3)));
        Assert.That(Out(_manager, Nexuses.C, SA.Release, 0, 0, Type.ExclusiveAccess), Is.EqualTo(ScsiCommandResult.ReservationConflict), "unregistered");
        Assert.That(Out(_manager, Nexuses.B, SA.Release, 1, 0, Type.ExclusiveAccess), Is.EqualTo(ScsiCommandResult.ReservationConflict), "wrong key");
    }

    [TestCase(Type.WriteExclusive)]
    [TestCase(Type.ExclusiveAccess)]
    [TestCase(Type.WriteExclusiveRegistrantsOnly)]
    [TestCase(Type.ExclusiveAccessRegistrantsOnly)]
    [TestCase(Type.WriteExclusiveAllRegistrants)]
    [TestCase(Type.ExclusiveAccessAllRegistrants)]
    public void Reserve_and_release_by_another_registrant(Type type)
    {
        Register(_manager, Nexuses.A, 1);
        Register(_manager, Nexuses.B, 2);
        Reserve(_manager, Nexuses.A, 1, type);
        bool holder = type.IsAllRegistrants();

        Assert.That(Reserve(_manager, Nexuses.B, 2, type), Is.EqualTo(holder ? ScsiCommandResult.Good : ScsiCommandResult.ReservationConflict));
        Assert.That(Out(_manager, Nexuses.B, SA.Release, 2, 0, type), Is.EqualTo(ScsiCommandResult.Good));

        Assert.That(ReadReservation(_manager, Nexuses.C).Reserved, Is.EqualTo(!holder), "only a holder releases");
        Assert.That(_sink.For(Nexuses.A), holder ? Is.EqualTo(new[] { AdditionalSenseCode.ReservationsReleased }) : Is.Empty);
        Assert.That(_sink.For(Nexuses.B), Is.Empty);
    }

    [Test]
    public void Release_with_other_type_is_invalid_release()
    {
        Register(_manager, Nexuses.A, 1);
        Reserve(_manager, Nexuses.A, 1, Type.ExclusiveAccess);
        AssertSense(Out(_manager, Nexuses.A, SA.Release, 1, 0, Type.WriteExclusive), SenseKey.IllegalRequest,
            AdditionalSenseCode.InvalidReleaseOfPersistentReservation);
        Assert.That(ReadReservation(_manager, Nexuses.A).Reserved, Is.True);
    }

    [TestCase(Type.WriteExclusive, false)]
    [TestCase(Type.ExclusiveAccess, false)]
    [TestCase(Type.WriteExclusiveRegistrantsOnly, true)]
    [TestCase(Type.ExclusiveAccessAllRegistrants, true)]
    public void Release_establishes_reservations_released_for_registrants_types(Type type, bool expected)
    {
        Register(_manager, Nexuses.A, 1);
        Register(_manager, Nexuses.B, 2);
        Reserve(_manager, Nexuses.A, 1, type);
        Out(_manager, Nexuses.A, SA.Release, 1, 0, type);
        Assert.That(_sink.For(Nexuses.B), expected ? Is.EqualTo(new[] { AdditionalSenseCode.ReservationsReleased }) : Is.Empty);
        Assert.That(_sink.For(Nexuses.A), Is.Empty);
    }

    [Test]
    public void Clear_removes_everything_once_and_preempts_others()
    {
        Register(_manager, Nexuses.A, 1);
        Register(_manager, Nexuses.B, 2);
        Reserve(_manager, Nexuses.A, 1, Type.ExclusiveAccess);
        uint generation = _manager.Generation;

        Assert.That(Out(_manager, Nexuses.A, SA.Clear, 1, 0), Is.EqualTo(ScsiCommandResult.Good));

        Assert.That(ReadKeys(_manager, Nexuses.A), Is.Empty);
        Assert.That(ReadReservation(_manager, Nexuses.A).Reserved, Is.False);
        Assert.That(_manager.Generation, Is.EqualTo(generation + 1));
        Assert.That(_sink.Established, Is.EqualTo(new[] { (Nexuses.B, AdditionalSenseCode.ReservationsPreempted) }));
    }

    [Test]
    public void Clear_needs_a_registration_and_its_key()
    {
        Register(_manager, Nexuses.A, 1);
        Assert.That(Out(_manager, Nexuses.B, SA.Clear, 1, 0), Is.EqualTo(ScsiCommandResult.ReservationConflict));
        Assert.That(Out(_manager, Nexuses.A, SA.Clear, 2, 0), Is.EqualTo(ScsiCommandResult.ReservationConflict));
        Assert.That(ReadKeys(_manager, Nexuses.A), Has.Length.EqualTo(1));
    }

    [Test]
    public void Preempt_removes_a_registration_without_reservation()
    {
        Register(_manager, Nexuses.A, 0xa1);
        Register(_manager, Nexuses.B, 0xb2);
        uint generation = _manager.Generation;

        Assert.That(Out(_manager, Nexuses.B, SA.Preempt, 0xb2, 0xa1, Type.ExclusiveAccess), Is.EqualTo(ScsiCommandResult.Good));

        Assert.That(ReadKeys(_manager, Nexuses.A), Is.EqualTo(new ulong[] { 0xb2 }));
        Assert.That(_manager.Generation, Is.EqualTo(generation + 1));
        Assert.That(ReadReservation(_manager, Nexuses.A).Reserved, Is.False);
        Assert.That(_sink.Established, Is.EqualTo(new[] { (Nexuses.A, AdditionalSenseCode.RegistrationsPreempted) }));
    }

    [Test]
    public void Preempt_of_the_holder_moves_the_reservation()
    {
        Register(_manager, Nexuses.A, 0xa1);
        Register(_manager, Nexuses.B, 0xb2);
        Register(_manager, Nexuses.C, 0xc3);
        Reserve(_manager, Nexuses.A, 0xa1, Type.WriteExclusive);

        Assert.That(Out(_manager, Nexuses.B, SA.Preempt, 0xb2, 0xa1, Type.ExclusiveAccess), Is.EqualTo(ScsiCommandResult.Good));

        Assert.That(ReadReservation(_manager, Nexuses.C), Is.EqualTo((true, 0xb2UL, (byte)Type.ExclusiveAccess)));
        Assert.That(_manager.IsRegistered(Nexuses.A), Is.False);
        Assert.That(_sink.For(Nexuses.A), Is.EqualTo(new[] { AdditionalSenseCode.RegistrationsPreempted }));
        Assert.That(_sink.For(Nexuses.C), Is.EqualTo(new[] { AdditionalSenseCode.ReservationsReleased }), "type changed");
        Assert.That(_sink.For(Nexuses.B), Is.Empty);
        Assert.That(CanRun(_manager, Nexuses.A, Read10), Is.False);
    }

    [Test]
    public void Preempt_of_all_registrants_with_key_zero_removes_all_others()
    {
        Register(_manager, Nexuses.A, 0xa1);
        Register(_manager, Nexuses.B, 0xb2);
        Register(_manager, Nexuses.C, 0xc3);
        Reserve(_manager, Nexuses.A, 0xa1, Type.WriteExclusiveAllRegistrants);

        Assert.That(Out(_manager, Nexuses.B, SA.Preempt, 0xb2, 0, Type.WriteExclusiveAllRegistrants), Is.EqualTo(ScsiCommandResult.Good));

        Assert.That(ReadKeys(_manager, Nexuses.B), Is.EqualTo(new ulong[] { 0xb2 }));
        Assert.That(ReadReservation(_manager, Nexuses.B), Is.EqualTo((true, 0UL, (byte)7)));
        Assert.That(_sink.For(Nexuses.A), Is.EqualTo(new[] { AdditionalSenseCode.RegistrationsPreempted }));
        Assert.That(_sink.For(Nexuses.C), Is.EqualTo(new[] { AdditionalSenseCode.RegistrationsPreempted }));
    }

    [Test]
    public void Preempt_with_key_zero_without_all_registrants_reservation_is_invalid_field()
    {
        Register(_manager, Nexuses.A, 0xa1);
        AssertSense(Out(_manager, Nexuses.A, SA.Preempt, 0xa1, 0, Type.ExclusiveAccess), SenseKey.IllegalRequest,
            AdditionalSenseCode.InvalidFieldInParameterList, 8, null, inCdb: false);
    }

    [Test]
    public void Preempt_of_unknown_key_conflicts()
    {
        Register(_manager, Nexuses.A, 0xa1);
        Assert.That(Out(_manager, Nexuses.A, SA.Preempt, 0xa1, 0x55, Type.ExclusiveAccess), Is.EqualTo(ScsiCommandResult.ReservationConflict));
        Assert.That(_manager.Generation, Is.EqualTo(1));
    }

    [Test]
    public void Preempt_and_abort_asks_the_transport_to_abort_the_preempted_nexuses()
    {
        TaskAbortRequest? request = null;
        _manager.AbortTasksRequested += r => request = r;
        Register(_manager, Nexuses.A, 0xa1);
        Register(_manager, Nexuses.B, 0xb2);
        Reserve(_manager, Nexuses.A, 0xa1, Type.ExclusiveAccess);

        ScsiCommandResult result = OutRaw(_manager, Nexuses.B, OutCdb(SA.PreemptAndAbort, (byte)Type.ExclusiveAccess, 24), Basic(0xb2, 0xa1), taskTag: 77);

        Assert.That(result, Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(request, Is.Not.Null);
        Assert.That(request!.RequestedBy, Is.EqualTo(Nexuses.B));
        Assert.That(request.RequestTaskTag, Is.EqualTo(77));
        Assert.That(request.Includes(Nexuses.A), Is.True);
        Assert.That(request.Includes(Nexuses.B), Is.False);
        Assert.That(request.Includes(Nexuses.C), Is.False);
    }

    [Test]
    public void Plain_preempt_raises_no_abort()
    {
        bool raised = false;
        _manager.AbortTasksRequested += _ => raised = true;
        Register(_manager, Nexuses.A, 0xa1);
        Register(_manager, Nexuses.B, 0xb2);
        Out(_manager, Nexuses.B, SA.Preempt, 0xb2, 0xa1, Type.ExclusiveAccess);
        Assert.That(raised, Is.False);
    }

    [TestCase(0u)]
    [TestCase(23u)]
    [TestCase(25u)]
    [TestCase(ReservationManager.MaximumParameterListLength + 1u)]
    public void Parameter_list_length_other_than_24_is_an_error(uint length)
    {
        byte[] list = new byte[Math.Min(length, 64)];
        AssertSense(OutRaw(_manager, Nexuses.A, OutCdb(SA.Register, 0, length), list), SenseKey.IllegalRequest,
            AdditionalSenseCode.ParameterListLengthError, 5, null);
    }

    [Test]
    public void Short_data_out_is_a_parameter_list_length_error()
    {
        AssertSense(OutRaw(_manager, Nexuses.A, OutCdb(SA.Register, 0, 24), new byte[20]), SenseKey.IllegalRequest,
            AdditionalSenseCode.ParameterListLengthError);
        Assert.That(ReadKeys(_manager, Nexuses.A), Is.Empty);
    }

    [TestCase((byte)0x08)]
    [TestCase((byte)0x1f)]
    public void Unsupported_service_action_is_invalid_field_in_cdb(byte serviceAction)
    {
        AssertSense(OutRaw(_manager, Nexuses.A, OutCdb((SA)serviceAction, 0, 24), Basic(0, 1)), SenseKey.IllegalRequest,
            AdditionalSenseCode.InvalidFieldInCdb, 1, 4);
    }

    [Test]
    public void Scope_other_than_logical_unit_is_invalid_field_in_cdb()
    {
        Register(_manager, Nexuses.A, 1);
        AssertSense(OutRaw(_manager, Nexuses.A, OutCdb(SA.Reserve, 0x13, 24), Basic(1, 0)), SenseKey.IllegalRequest,
            AdditionalSenseCode.InvalidFieldInCdb, 2, 7);
    }

    [TestCase((byte)0)]
    [TestCase((byte)2)]
    [TestCase((byte)4)]
    [TestCase((byte)9)]
    [TestCase((byte)0xf)]
    public void Undefined_type_is_invalid_field_in_cdb(byte type)
    {
        Register(_manager, Nexuses.A, 1);
        AssertSense(OutRaw(_manager, Nexuses.A, OutCdb(SA.Reserve, type, 24), Basic(1, 0)), SenseKey.IllegalRequest,
            AdditionalSenseCode.InvalidFieldInCdb, 2, 3);
    }

    [Test]
    public void Scope_and_type_are_ignored_by_register_and_clear()
    {
        Assert.That(OutRaw(_manager, Nexuses.A, OutCdb(SA.Register, 0xff, 24), Basic(0, 1)), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(OutRaw(_manager, Nexuses.A, OutCdb(SA.Clear, 0xff, 24), Basic(1, 0)), Is.EqualTo(ScsiCommandResult.Good));
    }

    [Test]
    public void Spec_i_pt_for_other_than_register_is_invalid_field_in_parameter_list()
    {
        AssertSense(OutRaw(_manager, Nexuses.A, OutCdb(SA.RegisterAndIgnoreExistingKey, 0, 24), Basic(0, 1, 0x08)), SenseKey.IllegalRequest,
            AdditionalSenseCode.InvalidFieldInParameterList, 20, 3, inCdb: false);
    }

    [Test]
    public void Spec_i_pt_from_registered_nexus_is_invalid_field_in_parameter_list()
    {
        Register(_manager, Nexuses.A, 1);
        byte[] list = SpecifiedPorts(0, 2, new IscsiTransportId("iqn.2026-11.test:b", "400001370000"));
        BinaryPrimitives.WriteUInt64BigEndian(list, 1);
        AssertSense(OutRaw(_manager, Nexuses.A, OutCdb(SA.Register, 0, (uint)list.Length), list), SenseKey.IllegalRequest,
            AdditionalSenseCode.InvalidFieldInParameterList, 20, 3, inCdb: false);
    }

    [Test]
    public void Spec_i_pt_registers_the_named_initiator_ports()
    {
        _manager.OnNexusEstablished(Nexuses.B);
        byte[] list = SpecifiedPorts(0, 0x42, new IscsiTransportId("iqn.2026-11.test:b", "400001370000"), new IscsiTransportId("iqn.2026-11.test:c", null));

        Assert.That(OutRaw(_manager, Nexuses.A, OutCdb(SA.Register, 0, (uint)list.Length), list), Is.EqualTo(ScsiCommandResult.Good));

        Assert.That(ReadKeys(_manager, Nexuses.A), Is.EqualTo(new ulong[] { 0x42, 0x42, 0x42 }));
        Assert.That(_manager.IsRegistered(Nexuses.B), Is.True);
        Assert.That(_manager.IsRegistered(Nexuses.C), Is.True);
        Assert.That(_manager.IsRegistered(Nexuses.Make("iqn.2026-11.test:c", "000000000009", 1)), Is.True, "format 00b names every port");
        Assert.That(_manager.IsRegistered(Nexuses.A2), Is.False);
        Assert.That(_manager.Generation, Is.EqualTo(1));

        // B's registration was made for it: it may now reserve with the key.
        Assert.That(Reserve(_manager, Nexuses.B, 0x42, Type.ExclusiveAccessRegistrantsOnly), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(Out(_manager, Nexuses.A, SA.Clear, 0x42, 0), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(_sink.For(Nexuses.B), Is.EqualTo(new[] { AdditionalSenseCode.ReservationsPreempted }));
    }

    [Test]
    public void Spec_i_pt_naming_a_registered_port_registers_nothing()
    {
        Register(_manager, Nexuses.B, 7);
        byte[] list = SpecifiedPorts(0, 0x42, new IscsiTransportId("iqn.2026-11.test:c", null), new IscsiTransportId("iqn.2026-11.test:b", "400001370000"));

        AssertSense(OutRaw(_manager, Nexuses.A, OutCdb(SA.Register, 0, (uint)list.Length), list), SenseKey.IllegalRequest,
            AdditionalSenseCode.InvalidFieldInParameterList, 28 + 24, null, inCdb: false);
        Assert.That(ReadKeys(_manager, Nexuses.A), Is.EqualTo(new ulong[] { 7 }));
    }

    [Test]
    public void Spec_i_pt_with_bad_transport_id_points_at_it()
    {
        byte[] list = SpecifiedPorts(0, 0x42, new IscsiTransportId("iqn.2026-11.test:c", null));
        list[28] = 0x01; // Fibre Channel protocol identifier
        AssertSense(OutRaw(_manager, Nexuses.A, OutCdb(SA.Register, 0, (uint)list.Length), list), SenseKey.IllegalRequest,
            AdditionalSenseCode.InvalidFieldInParameterList, 28, null, inCdb: false);
    }

    [Test]
    public void Spec_i_pt_with_transport_id_length_beyond_the_list_is_a_length_error()
    {
        byte[] list = SpecifiedPorts(0, 0x42, new IscsiTransportId("iqn.2026-11.test:c", null));
        BinaryPrimitives.WriteUInt32BigEndian(list.AsSpan(24), 1000);
        AssertSense(OutRaw(_manager, Nexuses.A, OutCdb(SA.Register, 0, (uint)list.Length), list), SenseKey.IllegalRequest,
            AdditionalSenseCode.ParameterListLengthError);
    }

    [Test]
    public void Register_and_move_hands_the_reservation_to_another_nexus()
    {
        Register(_manager, Nexuses.A, 0xa1);
        Reserve(_manager, Nexuses.A, 0xa1, Type.WriteExclusive);
        byte[] list = MoveList(0xa1, 0xb2, unreg: true, port: 1, new IscsiTransportId("iqn.2026-11.test:b", "400001370000"));

        Assert.That(OutRaw(_manager, Nexuses.A, OutCdb(SA.RegisterAndMove, (byte)Type.ExclusiveAccess, (uint)list.Length), list), Is.EqualTo(ScsiCommandResult.Good));

        Assert.That(ReadReservation(_manager, Nexuses.A), Is.EqualTo((true, 0xb2UL, (byte)Type.ExclusiveAccess)));
        Assert.That(ReadKeys(_manager, Nexuses.A), Is.EqualTo(new ulong[] { 0xb2 }));
        Assert.That(CanRun(_manager, Nexuses.B, Write10), Is.True);
        Assert.That(CanRun(_manager, Nexuses.A, Read10), Is.False);
    }

    [Test]
    public void Register_and_move_errors()
    {
        Register(_manager, Nexuses.A, 0xa1);
        var toB = new IscsiTransportId("iqn.2026-11.test:b", "400001370000");
        byte[] cdbHeader(byte[] l) => OutCdb(SA.RegisterAndMove, (byte)Type.ExclusiveAccess, (uint)l.Length);

        byte[] list = MoveList(0xa1, 0xb2, unreg: false, port: 1, toB);
        Assert.That(OutRaw(_manager, Nexuses.A, cdbHeader(list), list), Is.EqualTo(ScsiCommandResult.ReservationConflict), "not the holder");

        Reserve(_manager, Nexuses.A, 0xa1, Type.WriteExclusive);
        list = MoveList(0xa1, 0, unreg: false, port: 1, toB);
        AssertSense(OutRaw(_manager, Nexuses.A, cdbHeader(list), list), SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInParameterList, 8, null, inCdb: false);

        list = MoveList(0xa1, 0xb2, unreg: false, port: 1, new IscsiTransportId("iqn.2026-11.test:a", "400001370000"));
        AssertSense(OutRaw(_manager, Nexuses.A, cdbHeader(list), list), SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInParameterList, 24, null, inCdb: false);

        list = MoveList(0xa1, 0xb2, unreg: false, port: 1, toB);
        BinaryPrimitives.WriteUInt32BigEndian(list.AsSpan(20), 400);
        AssertSense(OutRaw(_manager, Nexuses.A, cdbHeader(list), list), SenseKey.IllegalRequest, AdditionalSenseCode.ParameterListLengthError);

        Assert.That(ReadReservation(_manager, Nexuses.A), Is.EqualTo((true, 0xa1UL, (byte)Type.WriteExclusive)));
    }

    [Test]
    public void Aptpl_without_a_store_is_invalid_field_in_parameter_list()
    {
        var manager = new ReservationManager(_sink);
        AssertSense(Register(manager, Nexuses.A, 1, flags: 0x01), SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInParameterList, 20, 0, inCdb: false);
    }

    [Test]
    public void Too_many_registrations_is_insufficient_registration_resources()
    {
        for (int i = 0; i < ReservationManager.MaximumRegistrations; i++)
        {
            Assert.That(Register(_manager, Nexuses.Make($"iqn.2026-11.test:n{i}", "400001370000", 1), 1), Is.EqualTo(ScsiCommandResult.Good));
        }

        AssertSense(Register(_manager, Nexuses.A, 1), SenseKey.IllegalRequest, AdditionalSenseCode.InsufficientRegistrationResources);
    }

    private static byte[] SpecifiedPorts(ulong key, ulong serviceActionKey, params IscsiTransportId[] ids)
    {
        int idsLength = ids.Sum(i => i.EncodedLength);
        byte[] list = new byte[28 + idsLength];
        Basic(key, serviceActionKey, 0x08).CopyTo(list, 0);
        BinaryPrimitives.WriteUInt32BigEndian(list.AsSpan(24), (uint)idsLength);
        int offset = 28;
        foreach (IscsiTransportId id in ids)
        {
            offset += id.Write(list.AsSpan(offset));
        }

        return list;
    }

    private static byte[] MoveList(ulong key, ulong serviceActionKey, bool unreg, ushort port, IscsiTransportId id)
    {
        byte[] list = new byte[24 + id.EncodedLength];
        BinaryPrimitives.WriteUInt64BigEndian(list, key);
        BinaryPrimitives.WriteUInt64BigEndian(list.AsSpan(8), serviceActionKey);
        list[17] = unreg ? (byte)0x02 : (byte)0;
        BinaryPrimitives.WriteUInt16BigEndian(list.AsSpan(18), port);
        BinaryPrimitives.WriteUInt32BigEndian(list.AsSpan(20), (uint)id.EncodedLength);
        id.Write(list.AsSpan(24));
        return list;
    }
}
