using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Reservations;

// PERSISTENT RESERVE OUT (SPC-5 §6.17, procedures in §5.14.7-§5.14.11).
public sealed partial class ReservationManager
{
    // CDB: 0 opcode 5Fh, 1 SERVICE ACTION (bits 4-0), 2 SCOPE (bits 7-4) | TYPE (bits 3-0), 5-8 PARAMETER LIST LENGTH, 9 CONTROL.
    private const int ParameterListLengthOffset = 5;

    // Basic parameter list: 0-7 RESERVATION KEY, 8-15 SERVICE ACTION RESERVATION KEY, 16-19 obsolete,
    // 20 SPEC_I_PT(3) ALL_TG_PT(2) APTPL(0), 21 reserved, 22-23 obsolete, 24-27 TRANSPORTID PARAMETER DATA LENGTH (SPEC_I_PT), 28- TransportIDs.
    private const int BasicParameterListLength = 24;
    private const int ServiceActionKeyOffset = 8;
    private const int FlagsOffset = 20;
    private const byte SpecIPt = 0x08;
    private const byte AllTgPt = 0x04;
    private const byte Aptpl = 0x01;

    // REGISTER AND MOVE parameter list: 0-7 RESERVATION KEY, 8-15 SERVICE ACTION RESERVATION KEY, 16 reserved,
    // 17 UNREG(1) APTPL(0), 18-19 RELATIVE TARGET PORT IDENTIFIER, 20-23 TRANSPORTID PARAMETER DATA LENGTH, 24- TransportID.
    private const int MoveFlagsOffset = 17;
    private const int MoveRelativeTargetPortOffset = 18;
    private const int MoveTransportIdLengthOffset = 20;
    private const byte Unreg = 0x02;

    /// <summary>
    /// PERSISTENT RESERVE OUT: REGISTER, RESERVE, RELEASE, CLEAR, PREEMPT, PREEMPT AND ABORT, REGISTER AND IGNORE
    /// EXISTING KEY and REGISTER AND MOVE, with SPEC_I_PT, ALL_TG_PT and APTPL. REPLACE LOST RESERVATION is not
    /// supported (INVALID FIELD IN CDB).
    /// </summary>
    public async ValueTask<ScsiCommandResult> PersistentReserveOutAsync(IScsiCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Cdb.Length < 10)
        {
            return InvalidCdb(0);
        }

        ReadOnlySpan<byte> cdb = command.Cdb.Span;
        var serviceAction = (PersistentReserveOutServiceAction)(cdb[1] & 0x1f);
        int scope = cdb[2] >> 4;
        byte typeCode = (byte)(cdb[2] & 0x0f);
        uint parameterListLength = BinaryPrimitives.ReadUInt32BigEndian(cdb[ParameterListLengthOffset..]);

        if (serviceAction > PersistentReserveOutServiceAction.RegisterAndMove)
        {
            return InvalidCdb(1, 4);
        }

        if (serviceAction is PersistentReserveOutServiceAction.Reserve or PersistentReserveOutServiceAction.Release
            or PersistentReserveOutServiceAction.Preempt or PersistentReserveOutServiceAction.PreemptAndAbort
            or PersistentReserveOutServiceAction.RegisterAndMove)
        {
            if (scope != 0)
            {
                return InvalidCdb(2, 7);
            }

            if (!PersistentReservationTypeExtensions.IsDefined(typeCode))
            {
                return InvalidCdb(2, 3);
            }
        }

        if (parameterListLength is < BasicParameterListLength or > MaximumParameterListLength)
        {
            return ParameterListLengthError();
        }

        byte[] list = new byte[parameterListLength];
        if (await ServiceDataTransfer.ReceiveAsync(command, list).ConfigureAwait(false) < list.Length)
        {
            return ParameterListLengthError();
        }

        var request = new OutRequest(command.Nexus, serviceAction, (PersistentReservationType)typeCode, list);
        if (request.Validate(_store is not null) is { } invalid)
        {
            return invalid;
        }

        var effects = new Effects();
        ScsiCommandResult result;
        lock (_lock)
        {
            _knownNexuses.Add(command.Nexus);
            SavedState saved = Save();
            result = serviceAction switch
            {
                PersistentReserveOutServiceAction.Register => Register(request, ignoreExistingKey: false, effects),
                PersistentReserveOutServiceAction.RegisterAndIgnoreExistingKey => Register(request, ignoreExistingKey: true, effects),
                PersistentReserveOutServiceAction.Reserve => Reserve(request),
                PersistentReserveOutServiceAction.Release => Release(request, effects),
                PersistentReserveOutServiceAction.Clear => Clear(request, effects),
                PersistentReserveOutServiceAction.Preempt or PersistentReserveOutServiceAction.PreemptAndAbort => Preempt(request, effects),
                _ => RegisterAndMove(request),
            };

            if (result.Status == ScsiStatus.Good && !TryPersist(saved))
            {
                effects.Clear();
                result = ScsiCommandResult.CheckCondition(SenseData.HardwareError(AdditionalSenseCode.InternalTargetFailure));
            }
        }

        foreach ((ITNexus nexus, AdditionalSenseCode code) in effects.UnitAttentions)
        {
            _unitAttentions.Establish(nexus, code);
        }

        if (effects.Preempted.Count > 0 && serviceAction == PersistentReserveOutServiceAction.PreemptAndAbort)
        {
            AbortTasksRequested?.Invoke(new TaskAbortRequest(command.Nexus, command.TaskTag, effects.Preempted));
        }

        ReservationLog.PersistentReserveOut(_logger, serviceAction, command.Nexus.InitiatorPortName, result);
        return result;
    }

    // REGISTER and REGISTER AND IGNORE EXISTING KEY (SPC-5 §5.14.7, table "Register behaviors").
    private ScsiCommandResult Register(OutRequest request, bool ignoreExistingKey, Effects effects)
    {
        ITNexus nexus = request.Nexus;
        Registration? existing = FindRegistration(nexus);
        if (existing is not null)
        {
            if (!ignoreExistingKey && request.Key != existing.Key)
            {
                return ScsiCommandResult.ReservationConflict;
            }

            if (request.SpecifyInitiatorPorts)
            {
                return InvalidParameter(FlagsOffset, 3);
            }

            if (request.ServiceActionKey == 0)
            {
                Unregister(existing, nexus, effects);
            }
            else
            {
                existing.Key = request.ServiceActionKey;
                existing.Nexus ??= nexus;
            }

            _generation++;
            SetPersistThroughPowerLoss(request.ActivatePersistThroughPowerLoss);
            return ScsiCommandResult.Good;
        }

        if (!ignoreExistingKey && request.Key != 0)
        {
            return ScsiCommandResult.ReservationConflict;
        }

        if (request.ServiceActionKey == 0)
        {
            // Unregistering an I_T nexus that is not registered: nothing to do.
            return ScsiCommandResult.Good;
        }

        ushort? port = request.AllTargetPorts ? null : nexus.RelativeTargetPortIdentifier;
        var own = new Registration(IscsiTransportId.FromInitiatorPort(nexus.InitiatorName, nexus.InitiatorPortName), port, request.ServiceActionKey, nexus);
        if (_registrations.Exists(r => r.Overlaps(own.Initiator, port)))
        {
            return InvalidParameter(FlagsOffset, 2);
        }

        List<Registration> added = [own];
        if (request.SpecifyInitiatorPorts && AddSpecifiedPorts(request, port, added) is { } invalid)
        {
            return invalid;
        }

        if (_registrations.Count + added.Count > MaximumRegistrations)
        {
            return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InsufficientRegistrationResources));
        }

        _registrations.AddRange(added);
        _generation++;
        SetPersistThroughPowerLoss(request.ActivatePersistThroughPowerLoss);
        return ScsiCommandResult.Good;
    }

    // SPEC_I_PT: 24-27 TRANSPORTID PARAMETER DATA LENGTH, then TransportIDs; every one is registered or none is.
    private ScsiCommandResult? AddSpecifiedPorts(OutRequest request, ushort? port, List<Registration> added)
    {
        ReadOnlySpan<byte> list = request.List;
        const int TransportIdsOffset = BasicParameterListLength + 4;
        if (list.Length < TransportIdsOffset)
        {
            return ParameterListLengthError();
        }

        uint dataLength = BinaryPrimitives.ReadUInt32BigEndian(list[BasicParameterListLength..]);
        if (dataLength > (uint)(list.Length - TransportIdsOffset))
        {
            return ParameterListLengthError();
        }

        ReadOnlySpan<byte> transportIds = list.Slice(TransportIdsOffset, (int)dataLength);
        int offset = 0;
        while (offset < transportIds.Length)
        {
            if (!IscsiTransportId.TryRead(transportIds[offset..], out IscsiTransportId id, out int length, out int errorOffset))
            {
                return InvalidParameter(TransportIdsOffset + offset + errorOffset);
            }

            if (_registrations.Exists(r => r.Overlaps(id, port)) || added.Exists(r => r.Overlaps(id, port)))
            {
                return InvalidParameter(TransportIdsOffset + offset);
            }

            added.Add(new Registration(id, port, request.ServiceActionKey, nexus: null));
            offset += length;
        }

        return null;
    }

    // Removing the holder's registration releases a non-all-registrants reservation (SPC-5 §5.14.11.2.2); the last
    // registration going releases an all registrants one.
    private void Unregister(Registration registration, ITNexus sender, Effects effects)
    {
        _registrations.Remove(registration);
        if (_reservationType is not { } type)
        {
            return;
        }

        if (type.IsAllRegistrants())
        {
            if (_registrations.Count == 0)
            {
                SetReservation(null, null);
            }
        }
        else if (ReferenceEquals(registration, _holder))
        {
            SetReservation(null, null);
            if (type.IsRegistrantsOnly())
            {
                NotifyAll(sender, AdditionalSenseCode.ReservationsReleased, effects);
            }
        }
    }

    // RESERVE (SPC-5 §5.14.9): PRgeneration is not changed.
    private ScsiCommandResult Reserve(OutRequest request)
    {
        if (CheckRegistered(request, out Registration registration) is { } conflict)
        {
            return conflict;
        }

        if (_reservationType is { } current)
        {
            return IsHolder(request.Nexus, registration) && current == request.Type
                ? ScsiCommandResult.Good
                : ScsiCommandResult.ReservationConflict;
        }

        SetReservation(request.Type, registration);
        return ScsiCommandResult.Good;
    }

    // RELEASE (SPC-5 §5.14.11.2): only the holder releases; others get GOOD without effect.
    private ScsiCommandResult Release(OutRequest request, Effects effects)
    {
        if (CheckRegistered(request, out Registration registration) is { } conflict)
        {
            return conflict;
        }

        if (_reservationType is not { } current || !IsHolder(request.Nexus, registration))
        {
            return ScsiCommandResult.Good;
        }

        if (current != request.Type)
        {
            return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidReleaseOfPersistentReservation));
        }

        SetReservation(null, null);
        if (current.AdmitsRegistrants())
        {
            NotifyAll(request.Nexus, AdditionalSenseCode.ReservationsReleased, effects);
        }

        return ScsiCommandResult.Good;
    }

    // CLEAR (SPC-5 §5.14.11.3): every registration and the reservation go.
    private ScsiCommandResult Clear(OutRequest request, Effects effects)
    {
        if (CheckRegistered(request, out _) is { } conflict)
        {
            return conflict;
        }

        NotifyAll(request.Nexus, AdditionalSenseCode.ReservationsPreempted, effects);
        _registrations.Clear();
        SetReservation(null, null);
        _generation++;
        return ScsiCommandResult.Good;
    }

    // PREEMPT and PREEMPT AND ABORT (SPC-5 §5.14.11.4).
    private ScsiCommandResult Preempt(OutRequest request, Effects effects)
    {
        if (CheckRegistered(request, out Registration sender) is { } conflict)
        {
            return conflict;
        }

        ulong victimKey = request.ServiceActionKey;
        PersistentReservationType? current = _reservationType;
        bool allRegistrants = current?.IsAllRegistrants() ?? false;

        if (victimKey == 0 && !allRegistrants)
        {
            // A zero SERVICE ACTION RESERVATION KEY preempts only an all registrants reservation.
            return InvalidParameter(ServiceActionKeyOffset);
        }

        List<Registration> victims = victimKey == 0
            ? _registrations.FindAll(r => !ReferenceEquals(r, sender))
            : _registrations.FindAll(r => r.Key == victimKey && !ReferenceEquals(r, sender));

        bool preemptsReservation = current is not null && (allRegistrants ? victimKey == 0 : _holder!.Key == victimKey);
        if (!preemptsReservation && victims.Count == 0)
        {
            return ScsiCommandResult.ReservationConflict;
        }

        foreach (Registration victim in victims)
        {
            CollectFor(victim, request.Nexus, AdditionalSenseCode.RegistrationsPreempted, effects);
            effects.Preempted.Add(victim.Matches);
            _registrations.Remove(victim);
        }

        if (preemptsReservation)
        {
            SetReservation(request.Type, sender);
            if (current != request.Type)
            {
                NotifyAll(request.Nexus, AdditionalSenseCode.ReservationsReleased, effects);
            }
        }
        else if (current is not null && allRegistrants && _registrations.Count == 0)
        {
            SetReservation(null, null);
        }

        _generation++;
        return ScsiCommandResult.Good;
    }

    // REGISTER AND MOVE (SPC-5 §5.14.8).
    private ScsiCommandResult RegisterAndMove(OutRequest request)
    {
        if (CheckRegistered(request, out Registration sender) is { } conflict)
        {
            return conflict;
        }

        ReadOnlySpan<byte> list = request.List;
        uint dataLength = BinaryPrimitives.ReadUInt32BigEndian(list[MoveTransportIdLengthOffset..]);
        if (dataLength > (uint)(list.Length - BasicParameterListLength))
        {
            return ParameterListLengthError();
        }

        if (!IscsiTransportId.TryRead(list.Slice(BasicParameterListLength, (int)dataLength), out IscsiTransportId destination, out _, out int errorOffset))
        {
            return InvalidParameter(dataLength < IscsiTransportId.MinimumLength ? MoveTransportIdLengthOffset : BasicParameterListLength + errorOffset);
        }

        if (request.ServiceActionKey == 0)
        {
            return InvalidParameter(ServiceActionKeyOffset);
        }

        ushort port = BinaryPrimitives.ReadUInt16BigEndian(list[MoveRelativeTargetPortOffset..]);
        if (port == 0)
        {
            return InvalidParameter(MoveRelativeTargetPortOffset);
        }

        if (_reservationType is not { } current || current.IsAllRegistrants() || !IsHolder(request.Nexus, sender))
        {
            return ScsiCommandResult.ReservationConflict;
        }

        if (new Registration(destination, port, 0, nexus: null).Matches(request.Nexus))
        {
            // The destination is the I_T nexus the command came through.
            return InvalidParameter(BasicParameterListLength);
        }

        Registration? target = _registrations.Find(r => r.Overlaps(destination, port));
        if (target is null)
        {
            if (_registrations.Count >= MaximumRegistrations)
            {
                return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InsufficientRegistrationResources));
            }

            target = new Registration(destination, port, request.ServiceActionKey, nexus: null);
            _registrations.Add(target);
        }

        SetReservation(request.Type, target);
        if (request.UnregisterSource && !ReferenceEquals(sender, target))
        {
            _registrations.Remove(sender);
        }

        _generation++;
        SetPersistThroughPowerLoss(request.ActivatePersistThroughPowerLoss);
        return ScsiCommandResult.Good;
    }

    private ScsiCommandResult? CheckRegistered(OutRequest request, out Registration registration)
    {
        registration = FindRegistration(request.Nexus)!;
        return registration is null || registration.Key != request.Key ? ScsiCommandResult.ReservationConflict : null;
    }

    private void NotifyAll(ITNexus except, AdditionalSenseCode code, Effects effects)
    {
        foreach (Registration registration in _registrations)
        {
            CollectFor(registration, except, code, effects);
        }
    }

    private void CollectFor(Registration registration, ITNexus except, AdditionalSenseCode code, Effects effects)
    {
        var nexuses = new List<ITNexus>();
        CollectNexuses(registration, except, nexuses);
        foreach (ITNexus nexus in nexuses)
        {
            effects.UnitAttentions.Add((nexus, code));
        }
    }

    private void SetPersistThroughPowerLoss(bool value) => _persistThroughPowerLoss = value;

    private bool TryPersist(SavedState saved)
    {
        if (_store is null || (!_persistThroughPowerLoss && !saved.PersistThroughPowerLoss))
        {
            return true;
        }

        try
        {
            if (_persistThroughPowerLoss)
            {
                _store.Save(Snapshot());
            }
            else
            {
                _store.Delete();
            }

            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            ReservationLog.PersistFailed(_logger, exception);
            Restore(saved);
            return false;
        }
    }

    private SavedState Save() => new(
        [.. _registrations], [.. _registrations.Select(r => r.Key)], _reservationType, _holder, _generation, _persistThroughPowerLoss);

    private void Restore(SavedState saved)
    {
        _registrations.Clear();
        _registrations.AddRange(saved.Registrations);
        for (int i = 0; i < saved.Registrations.Length; i++)
        {
            saved.Registrations[i].Key = saved.Keys[i];
        }

        SetReservation(saved.Type, saved.Holder);
        _generation = saved.Generation;
        _persistThroughPowerLoss = saved.PersistThroughPowerLoss;
    }

    private static ScsiCommandResult InvalidCdb(int fieldPointer, int? bitPointer = null) =>
        ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, fieldPointer, bitPointer));

    private static ScsiCommandResult InvalidParameter(int fieldPointer, int? bitPointer = null) =>
        ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInParameterList, fieldPointer, bitPointer, inCdb: false));

    private static ScsiCommandResult ParameterListLengthError() =>
        ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.ParameterListLengthError, ParameterListLengthOffset));

    private readonly record struct SavedState(
        Registration[] Registrations, ulong[] Keys, PersistentReservationType? Type, Registration? Holder, uint Generation, bool PersistThroughPowerLoss);

    /// <summary>What a service action does outside the lock once it succeeded.</summary>
    private sealed class Effects
    {
        public List<(ITNexus Nexus, AdditionalSenseCode Code)> UnitAttentions { get; } = [];

        public List<Func<ITNexus, bool>> Preempted { get; } = [];

        public void Clear()
        {
            UnitAttentions.Clear();
            Preempted.Clear();
        }
    }

    /// <summary>A decoded PERSISTENT RESERVE OUT parameter list.</summary>
    private sealed class OutRequest(ITNexus nexus, PersistentReserveOutServiceAction serviceAction, PersistentReservationType type, byte[] list)
    {
        public ITNexus Nexus { get; } = nexus;

        public PersistentReservationType Type { get; } = type;

        public byte[] List { get; } = list;

        public ulong Key => BinaryPrimitives.ReadUInt64BigEndian(List);

        public ulong ServiceActionKey => BinaryPrimitives.ReadUInt64BigEndian(List.AsSpan(ServiceActionKeyOffset));

        private bool IsMove => serviceAction == PersistentReserveOutServiceAction.RegisterAndMove;

        private bool IsRegister => serviceAction is PersistentReserveOutServiceAction.Register or PersistentReserveOutServiceAction.RegisterAndIgnoreExistingKey;

        public bool SpecifyInitiatorPorts => !IsMove && (List[FlagsOffset] & SpecIPt) != 0;

        // ALL_TG_PT is valid for REGISTER and REGISTER AND IGNORE EXISTING KEY only, and ignored otherwise.
        public bool AllTargetPorts => IsRegister && (List[FlagsOffset] & AllTgPt) != 0;

        public bool ActivatePersistThroughPowerLoss => IsMove ? (List[MoveFlagsOffset] & Aptpl) != 0 : (List[FlagsOffset] & Aptpl) != 0;

        public bool UnregisterSource => IsMove && (List[MoveFlagsOffset] & Unreg) != 0;

        /// <summary>The checks that do not depend on the reservation state.</summary>
        public ScsiCommandResult? Validate(bool persistSupported)
        {
            if (!IsMove)
            {
                if (SpecifyInitiatorPorts && serviceAction != PersistentReserveOutServiceAction.Register)
                {
                    return InvalidParameter(FlagsOffset, 3);
                }

                if (!SpecifyInitiatorPorts && List.Length != BasicParameterListLength)
                {
                    return ParameterListLengthError();
                }
            }

            if ((IsRegister || IsMove) && ActivatePersistThroughPowerLoss && !persistSupported)
            {
                return InvalidParameter(IsMove ? MoveFlagsOffset : FlagsOffset, 0);
            }

            return null;
        }
    }
}
