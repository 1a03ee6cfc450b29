using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.LogicalUnits;
using StateSave.Storage.Reservations;

namespace StateSave.Storage.PortGroups;

/// <summary>
/// Asymmetric logical unit access (ALUA, SPC-5 §5.16) for one logical unit: target port groups with their
/// access states, REPORT TARGET PORT GROUPS, SET TARGET PORT GROUPS (explicit ALUA) and the access checks
/// a command must pass through a port in a standby, unavailable, offline or transitioning group.
/// </summary>
/// <remarks>
/// INQUIRY's TPGS field is <see cref="TargetPortGroupSupport"/>; the Device Identification VPD page carries
/// the TARGET PORT GROUP designator from <see cref="GroupOf"/>. Thread safe.
/// </remarks>
public sealed class TargetPortGroups
{
    /// <summary>Largest SET TARGET PORT GROUPS parameter list: the header and 1024 descriptors.</summary>
    public const int MaximumParameterListLength = 4 + (4 * 1024);

    private const byte StatusAlteredBySetTargetPortGroups = 0x01;
    private const byte StatusAlteredByImplicitBehavior = 0x02;

    private readonly Lock _lock = new();
    private readonly List<TargetPortGroup> _groups = [];
    private readonly IUnitAttentionSink? _unitAttentions;
    private readonly ILogger _logger;

    /// <param name="explicitTransitions">Whether SET TARGET PORT GROUPS is supported (TPGS = 11b rather than 01b).</param>
    /// <param name="unitAttentions">Where ASYMMETRIC ACCESS STATE CHANGED goes; null for none.</param>
    /// <param name="implicitTransitionTime">IMPLICIT TRANSITION TIME in seconds, reported in the extended header.</param>
    /// <param name="logger">Logger, or none.</param>
    public TargetPortGroups(bool explicitTransitions = true, IUnitAttentionSink? unitAttentions = null, byte implicitTransitionTime = 0,
        ILogger<TargetPortGroups>? logger = null)
    {
        ExplicitTransitions = explicitTransitions;
        _unitAttentions = unitAttentions;
        ImplicitTransitionTime = implicitTransitionTime;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public bool ExplicitTransitions { get; }

    public byte ImplicitTransitionTime { get; }

    /// <summary>TPGS field of standard INQUIRY data (byte 5 bits 5-4): 01b implicit only, 11b implicit and explicit.</summary>
    public byte TargetPortGroupSupport => ExplicitTransitions ? (byte)0x3 : (byte)0x1;

    /// <summary>The groups, in identifier order.</summary>
    public IReadOnlyList<TargetPortGroup> Groups
    {
        get
        {
            lock (_lock)
            {
                return [.. _groups];
            }
        }
    }

    /// <summary>Adds (or replaces) a group. A target port belongs to one group only.</summary>
    public void AddGroup(ushort identifier, AsymmetricAccessState state, IReadOnlyList<ushort> relativeTargetPortIdentifiers, bool preferred = false)
    {
        ArgumentNullException.ThrowIfNull(relativeTargetPortIdentifiers);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(relativeTargetPortIdentifiers.Count, byte.MaxValue, nameof(relativeTargetPortIdentifiers));
        lock (_lock)
        {
            _groups.RemoveAll(g => g.Identifier == identifier);
            if (_groups.Exists(g => g.RelativeTargetPortIdentifiers.Any(relativeTargetPortIdentifiers.Contains)))
            {
                throw new ArgumentException("A target port belongs to one target port group only.", nameof(relativeTargetPortIdentifiers));
            }

            _groups.Add(new TargetPortGroup(identifier, state, preferred, 0, [.. relativeTargetPortIdentifiers]));
            _groups.Sort((a, b) => a.Identifier.CompareTo(b.Identifier));
        }
    }

    /// <summary>An implicit transition (by the storage system itself): every I_T nexus gets ASYMMETRIC ACCESS STATE CHANGED.</summary>
    public bool SetState(ushort identifier, AsymmetricAccessState state)
    {
        lock (_lock)
        {
            if (!TryUpdate(identifier, state, StatusAlteredByImplicitBehavior))
            {
                return false;
            }
        }

        PortGroupsLog.AccessStateChanged(_logger, identifier, state, "implicit");
        _unitAttentions?.EstablishForOthers(null, AdditionalSenseCode.AsymmetricAccessStateChanged);
        return true;
    }

    /// <summary>The group the target port of <paramref name="nexus"/> belongs to, or null.</summary>
    public TargetPortGroup? GroupOf(ITNexus nexus)
    {
        ArgumentNullException.ThrowIfNull(nexus);
        ushort port = nexus.RelativeTargetPortIdentifier;
        lock (_lock)
        {
            // Checked before every command: plain loops, no closure or enumerator to allocate.
            foreach (TargetPortGroup group in _groups)
            {
                IReadOnlyList<ushort> ports = group.RelativeTargetPortIdentifiers;
                for (int i = 0; i < ports.Count; i++)
                {
                    if (ports[i] == port)
                    {
                        return group;
                    }
                }
            }

            return null;
        }
    }

    /// <summary>
    /// NOT READY with the ASC for the access state of the nexus's target port group when the command may not
    /// run in that state (SPC-5 §5.16.2.4.4-§5.16.2.4.7); null when it may (active states, or a port in no group).
    /// </summary>
    public ScsiCommandResult? CheckAccess(ITNexus nexus, ReadOnlySpan<byte> cdb)
    {
        if (GroupOf(nexus) is not { } group || cdb.IsEmpty)
        {
            return null;
        }

        var opcode = (ScsiOpcode)cdb[0];
        byte serviceAction = cdb.Length > 1 ? (byte)(cdb[1] & 0x1f) : (byte)0;
        bool alwaysAllowed = opcode is ScsiOpcode.Inquiry or ScsiOpcode.ReportLuns or ScsiOpcode.RequestSense
            || (opcode == ScsiOpcode.MaintenanceIn && serviceAction is (byte)MaintenanceInServiceAction.ReportTargetPortGroups
                or (byte)MaintenanceInServiceAction.ReportSupportedOperationCodes or (byte)MaintenanceInServiceAction.ReportSupportedTaskManagementFunctions)
            || (opcode == ScsiOpcode.MaintenanceOut && serviceAction == (byte)MaintenanceOutServiceAction.SetTargetPortGroups);

        // Standby also admits the management commands of SPC-5 §5.16.2.4.5.
        bool standbyAllowed = alwaysAllowed || opcode is ScsiOpcode.LogSelect or ScsiOpcode.LogSense or ScsiOpcode.ModeSelect6
            or ScsiOpcode.ModeSelect10 or ScsiOpcode.ModeSense6 or ScsiOpcode.ModeSense10 or ScsiOpcode.ReceiveDiagnosticResults
            or ScsiOpcode.SendDiagnostic or ScsiOpcode.PersistentReserveIn or ScsiOpcode.PersistentReserveOut
            or ScsiOpcode.ReadBuffer10 or ScsiOpcode.ReadBuffer16 or ScsiOpcode.WriteBuffer;

        return group.State switch
        {
            AsymmetricAccessState.Standby when !standbyAllowed => NotReady(AdditionalSenseCode.LogicalUnitNotAccessibleTargetPortInStandbyState),
            AsymmetricAccessState.Unavailable when !alwaysAllowed => NotReady(AdditionalSenseCode.LogicalUnitNotAccessibleTargetPortInUnavailableState),
            AsymmetricAccessState.Transitioning when !alwaysAllowed => NotReady(AdditionalSenseCode.LogicalUnitNotAccessibleAsymmetricAccessStateTransition),
            AsymmetricAccessState.Offline when !alwaysAllowed => NotReady(AdditionalSenseCode.LogicalUnitNotReadyOffline),
            _ => null,
        };
    }

    /// <summary>
    /// REPORT TARGET PORT GROUPS (MAINTENANCE IN, service action 0Ah; SPC-5 §6.38). CDB: 1 PARAMETER DATA FORMAT
    /// (bits 7-5) | SERVICE ACTION, 6-9 ALLOCATION LENGTH, 11 CONTROL. Formats 000b (length only) and 001b (extended header).
    /// </summary>
    public async ValueTask<ScsiCommandResult> ReportTargetPortGroupsAsync(IScsiCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Cdb.Length < 12)
        {
            return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, 0));
        }

        int format = command.Cdb.Span[1] >> 5;
        if (format > 1)
        {
            return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, 1, 7));
        }

        uint allocationLength = BinaryPrimitives.ReadUInt32BigEndian(command.Cdb.Span[6..]);
        byte[] data = Encode(extended: format == 1);
        await ServiceDataTransfer.SendAsync(command, data, allocationLength).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }

    /// <summary>
    /// SET TARGET PORT GROUPS (MAINTENANCE OUT, service action 0Ah; SPC-5 §6.49). CDB: 6-9 PARAMETER LIST LENGTH.
    /// Parameter list: 4 reserved bytes, then descriptors of 4 bytes: 0 ASYMMETRIC ACCESS STATE (bits 3-0), 2-3 TARGET PORT GROUP.
    /// </summary>
    public async ValueTask<ScsiCommandResult> SetTargetPortGroupsAsync(IScsiCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Cdb.Length < 12)
        {
            return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, 0));
        }

        if (!ExplicitTransitions)
        {
            return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, 1, 4));
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(command.Cdb.Span[6..]);
        if (length == 0)
        {
            return ScsiCommandResult.Good;
        }

        if (length < 4 || length > MaximumParameterListLength || (length - 4) % 4 != 0)
        {
            return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.ParameterListLengthError, 6));
        }

        byte[] list = new byte[length];
        if (await ServiceDataTransfer.ReceiveAsync(command, list).ConfigureAwait(false) < list.Length)
        {
            return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.ParameterListLengthError, 6));
        }

        var changes = new List<(ushort Group, AsymmetricAccessState State)>();
        lock (_lock)
        {
            for (int offset = 4; offset < list.Length; offset += 4)
            {
                var state = (AsymmetricAccessState)(list[offset] & 0x0f);
                ushort group = BinaryPrimitives.ReadUInt16BigEndian(list.AsSpan(offset + 2));
                if (state is not (AsymmetricAccessState.ActiveOptimized or AsymmetricAccessState.ActiveNonOptimized
                    or AsymmetricAccessState.Standby or AsymmetricAccessState.Unavailable))
                {
                    return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInParameterList, offset, 3, inCdb: false));
                }

                if (!_groups.Exists(g => g.Identifier == group) || changes.Exists(c => c.Group == group))
                {
                    return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInParameterList, offset + 2, null, inCdb: false));
                }

                changes.Add((group, state));
            }

            foreach ((ushort group, AsymmetricAccessState state) in changes)
            {
                TryUpdate(group, state, StatusAlteredBySetTargetPortGroups);
            }
        }

        foreach ((ushort group, AsymmetricAccessState state) in changes)
        {
            PortGroupsLog.AccessStateChanged(_logger, group, state, "SET TARGET PORT GROUPS");
        }

        _unitAttentions?.EstablishForOthers(command.Nexus, AdditionalSenseCode.AsymmetricAccessStateChanged);
        return ScsiCommandResult.Good;
    }

    private bool TryUpdate(ushort identifier, AsymmetricAccessState state, byte statusCode)
    {
        int index = _groups.FindIndex(g => g.Identifier == identifier);
        if (index < 0)
        {
            return false;
        }

        _groups[index] = _groups[index] with { State = state, StatusCode = statusCode };
        return true;
    }

    // 0-3 RETURN DATA LENGTH; extended: 4 FORMAT TYPE (bits 6-4 = 001b), 5 IMPLICIT TRANSITION TIME, 6-7 reserved.
    // Descriptor: 0 PREF(7) | ASYMMETRIC ACCESS STATE(3-0), 1 T_SUP O_SUP - LBD_SUP U_SUP S_SUP AN_SUP AO_SUP,
    // 2-3 TARGET PORT GROUP, 4 reserved, 5 STATUS CODE, 6 vendor specific, 7 TARGET PORT COUNT, then 4 bytes per port
    // (2-3 RELATIVE TARGET PORT IDENTIFIER).
    private byte[] Encode(bool extended)
    {
        const byte Supported = 0x80 | 0x40 | 0x08 | 0x04 | 0x02 | 0x01; // T_SUP, O_SUP, U_SUP, S_SUP, AN_SUP, AO_SUP
        lock (_lock)
        {
            int header = extended ? 8 : 4;
            int length = header + _groups.Sum(g => 8 + (4 * g.RelativeTargetPortIdentifiers.Count));
            byte[] data = new byte[length];
            BinaryPrimitives.WriteUInt32BigEndian(data, (uint)(length - 4));
            if (extended)
            {
                data[4] = 0x10;
                data[5] = ImplicitTransitionTime;
            }

            int offset = header;
            foreach (TargetPortGroup group in _groups)
            {
                data[offset] = (byte)((group.Preferred ? 0x80 : 0) | (byte)group.State);
                data[offset + 1] = Supported;
                BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(offset + 2), group.Identifier);
                data[offset + 5] = group.StatusCode;
                data[offset + 7] = (byte)group.RelativeTargetPortIdentifiers.Count;
                offset += 8;
                foreach (ushort port in group.RelativeTargetPortIdentifiers)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(offset + 2), port);
                    offset += 4;
                }
            }

            return data;
        }
    }

    private static ScsiCommandResult NotReady(AdditionalSenseCode code) => ScsiCommandResult.CheckCondition(SenseData.NotReady(code));
}
