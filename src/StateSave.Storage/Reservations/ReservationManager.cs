using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.LogicalUnits;

namespace StateSave.Storage.Reservations;

/// <summary>
/// The reservations of one logical unit: SPC-2 RESERVE/RELEASE (6)/(10) reservations and SPC-5 persistent
/// reservations (§5.14), with the compatible reservation handling of SPC-5 §5.14.3.2 (CRH = 1).
/// </summary>
/// <remarks>
/// How the command dispatch uses it:
/// <list type="number">
/// <item>For every command addressed to the logical unit (after unit attention reporting), call
/// <see cref="CheckConflict"/>; a non-null result ends the command with that status.</item>
/// <item>PERSISTENT RESERVE IN/OUT, RESERVE(6)/(10) and RELEASE(6)/(10) go to <see cref="PersistentReserveInAsync"/>,
/// <see cref="PersistentReserveOutAsync"/>, <see cref="ReserveAsync"/> and <see cref="ReleaseAsync"/>.</item>
/// <item>LOGICAL UNIT RESET, TARGET WARM/COLD RESET: <see cref="OnLogicalUnitReset"/> (drops RESERVE reservations;
/// persistent reservations survive). I_T nexus events: <see cref="OnNexusEstablished"/>, <see cref="OnNexusLost"/>.</item>
/// <item>The transport subscribes to <see cref="AbortTasksRequested"/> for PREEMPT AND ABORT.</item>
/// </list>
/// Thread safe; every state change is made under one lock. Unit attentions go to the
/// <see cref="IUnitAttentionSink"/> after the change is complete (and persisted, when APTPL is in effect).
/// </remarks>
public sealed partial class ReservationManager
{
    /// <summary>Largest PERSISTENT RESERVE OUT parameter list accepted: the basic 24 bytes and up to about 30 TransportIDs.</summary>
    public const int MaximumParameterListLength = 8192;

    /// <summary>Most registrations held at once; beyond, INSUFFICIENT REGISTRATION RESOURCES.</summary>
    public const int MaximumRegistrations = 256;

    private readonly Lock _lock = new();
    private readonly IUnitAttentionSink _unitAttentions;
    private readonly IReservationStore? _store;
    private readonly ILogger _logger;
    private readonly List<Registration> _registrations = [];
    private readonly HashSet<ITNexus> _knownNexuses = [];

    private PersistentReservationType? _reservationType;
    private Registration? _holder;
    private uint _generation;
    private bool _persistThroughPowerLoss;
    private ITNexus? _spc2Holder;

    // Read without the lock by CheckConflict's fast path: true while any reservation exists.
    private volatile bool _anyReservation;

    /// <param name="unitAttentions">Where RESERVATIONS PREEMPTED / RELEASED and REGISTRATIONS PREEMPTED go.</param>
    /// <param name="store">Where APTPL state is kept; null when persist through power loss is not supported (PTPL_C = 0).</param>
    /// <param name="logger">Logger, or none.</param>
    public ReservationManager(IUnitAttentionSink unitAttentions, IReservationStore? store = null, ILogger<ReservationManager>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(unitAttentions);
        _unitAttentions = unitAttentions;
        _store = store;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        if (store?.Load() is { } state)
        {
            Restore(state);
            ReservationLog.PersistedStateRestored(_logger, _registrations.Count);
        }
    }

    /// <summary>
    /// Raised by PREEMPT AND ABORT after the registrations were removed and before the command completes: the
    /// transport aborts the tasks the request names. Raised outside the manager's lock; a handler must not block.
    /// </summary>
    public event Action<TaskAbortRequest>? AbortTasksRequested;

    /// <summary>PRgeneration (SPC-5 §6.16.2).</summary>
    public uint Generation
    {
        get
        {
            lock (_lock)
            {
                return _generation;
            }
        }
    }

    /// <summary>The I_T nexus holding a RESERVE(6)/(10) reservation, if any.</summary>
    public ITNexus? Spc2ReservationHolder
    {
        get
        {
            lock (_lock)
            {
                return _spc2Holder;
            }
        }
    }

    /// <summary>The persistent reservation type in effect, if any.</summary>
    public PersistentReservationType? ReservationType
    {
        get
        {
            lock (_lock)
            {
                return _reservationType;
            }
        }
    }

    /// <summary>Whether <paramref name="nexus"/> holds a registration.</summary>
    public bool IsRegistered(ITNexus nexus)
    {
        ArgumentNullException.ThrowIfNull(nexus);
        lock (_lock)
        {
            return FindRegistration(nexus) is not null;
        }
    }

    /// <summary>
    /// RESERVATION CONFLICT when the command in <paramref name="cdb"/> may not run for <paramref name="nexus"/>
    /// because of a reservation held through another I_T nexus; null when it may run. RESERVE, RELEASE and
    /// PERSISTENT RESERVE OUT that pass are decided further by their own handlers.
    /// </summary>
    public ScsiCommandResult? CheckConflict(ITNexus nexus, ReadOnlySpan<byte> cdb)
    {
        ArgumentNullException.ThrowIfNull(nexus);
        if (!_anyReservation)
        {
            return null;
        }

        lock (_lock)
        {
            if (_spc2Holder is { } spc2Holder)
            {
                // SPC-5 §5.14.3.1: PERSISTENT RESERVE IN/OUT conflict with a RESERVE reservation, even from its holder.
                if (cdb.Length > 0 && (ScsiOpcode)cdb[0] is ScsiOpcode.PersistentReserveIn or ScsiOpcode.PersistentReserveOut)
                {
                    return ScsiCommandResult.ReservationConflict;
                }

                return spc2Holder.Equals(nexus) || ReservationAccessRules.IsAllowedThroughSpc2Reservation(cdb)
                    ? null
                    : ScsiCommandResult.ReservationConflict;
            }

            if (_reservationType is not { } type || HasAccess(nexus, type))
            {
                return null;
            }

            return ReservationAccessRules.Classify(cdb) switch
            {
                CommandAccess.Allowed or CommandAccess.PersistentReserveOut => null,
                CommandAccess.Read when !type.IsExclusiveAccess() => null,
                _ => ScsiCommandResult.ReservationConflict,
            };
        }
    }

    /// <summary>A new I_T nexus: unit attentions for registrations made through TransportIDs reach it from now on.</summary>
    public void OnNexusEstablished(ITNexus nexus)
    {
        ArgumentNullException.ThrowIfNull(nexus);
        lock (_lock)
        {
            _knownNexuses.Add(nexus);
        }
    }

    /// <summary>
    /// I_T nexus loss (SPC-5 §5.14.3.1 and SPC-2 §5.5.1): a RESERVE reservation held through it is released;
    /// registrations and persistent reservations are not affected.
    /// </summary>
    public void OnNexusLost(ITNexus nexus)
    {
        ArgumentNullException.ThrowIfNull(nexus);
        lock (_lock)
        {
            _knownNexuses.Remove(nexus);
            if (nexus.Equals(_spc2Holder))
            {
                ReleaseSpc2("I_T nexus loss");
            }
        }
    }

    /// <summary>LOGICAL UNIT RESET, TARGET WARM RESET or TARGET COLD RESET: releases a RESERVE reservation.</summary>
    public void OnLogicalUnitReset()
    {
        lock (_lock)
        {
            if (_spc2Holder is not null)
            {
                ReleaseSpc2("reset");
            }
        }
    }

    // Holders and, for registrants only / all registrants types, every registrant, have full access (SPC-5 §5.14.3.4).
    private bool HasAccess(ITNexus nexus, PersistentReservationType type)
    {
        if (type.AdmitsRegistrants())
        {
            return FindRegistration(nexus) is not null;
        }

        return _holder is { } holder && holder.Matches(nexus);
    }

    private bool IsHolder(ITNexus nexus, Registration? registration) =>
        _reservationType is { } type && registration is not null
        && (type.IsAllRegistrants() || ReferenceEquals(registration, _holder) || (_holder?.Matches(nexus) ?? false));

    private Registration? FindRegistration(ITNexus nexus)
    {
        foreach (Registration registration in _registrations)
        {
            if (registration.Matches(nexus))
            {
                return registration;
            }
        }

        return null;
    }

    private void ReleaseSpc2(string reason)
    {
        ReservationLog.Spc2Released(_logger, _spc2Holder!.InitiatorPortName, reason);
        _spc2Holder = null;
        UpdateAnyReservation();
    }

    private void UpdateAnyReservation() => _anyReservation = _spc2Holder is not null || _reservationType is not null;

    private void SetReservation(PersistentReservationType? type, Registration? holder)
    {
        _reservationType = type;
        _holder = type is { } t && !t.IsAllRegistrants() ? holder : null;
        UpdateAnyReservation();
    }

    /// <summary>The I_T nexuses a registration names that the manager knows of, for unit attentions.</summary>
    private void CollectNexuses(Registration registration, ITNexus? except, List<ITNexus> into)
    {
        if (registration.Nexus is { } own && !own.Equals(except) && !into.Contains(own))
        {
            into.Add(own);
        }

        foreach (ITNexus nexus in _knownNexuses)
        {
            if (registration.Matches(nexus) && !nexus.Equals(except) && !into.Contains(nexus))
            {
                into.Add(nexus);
            }
        }
    }

    private void Restore(PersistentReservationState state)
    {
        _generation = state.Generation;
        foreach (PersistedRegistration persisted in state.Registrations.Take(MaximumRegistrations))
        {
            _registrations.Add(new Registration(new IscsiTransportId(persisted.InitiatorName, persisted.Isid),
                persisted.RelativeTargetPortIdentifier, persisted.Key, nexus: null));
        }

        Registration? holder = state.HolderIndex is { } index && index >= 0 && index < _registrations.Count ? _registrations[index] : null;
        if (state.ReservationType is { } type && (type.IsAllRegistrants() ? _registrations.Count > 0 : holder is not null))
        {
            SetReservation(type, holder);
        }

        _persistThroughPowerLoss = true;
    }

    private PersistentReservationState Snapshot() => new()
    {
        Generation = _generation,
        Registrations = [.. _registrations.Select(r => new PersistedRegistration(r.Initiator.Name, r.Isid, r.RelativeTargetPortIdentifier, r.Key))],
        ReservationType = _reservationType,
        HolderIndex = _holder is null ? null : _registrations.IndexOf(_holder),
    };
}
