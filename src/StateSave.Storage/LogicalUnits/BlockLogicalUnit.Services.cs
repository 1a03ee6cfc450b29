using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.Buffers;
using StateSave.Storage.Commands;
using StateSave.Storage.Copy;
using StateSave.Storage.PortGroups;
using StateSave.Storage.Reservations;

namespace StateSave.Storage.LogicalUnits;

/// <summary>
/// The logical unit's SPC services beside the block command set: reservations (SPC-2 and persistent),
/// READ/WRITE BUFFER with the error history, and the ALUA target port groups, registered in the dispatch
/// table and told about resets and I_T nexus events.
/// </summary>
public sealed partial class BlockLogicalUnit
{
    /// <summary>RESERVE/RELEASE and PERSISTENT RESERVE IN/OUT state (SPC-5 §5.13).</summary>
    public ReservationManager Reservations { get; private set; } = null!;

    /// <summary>READ BUFFER / WRITE BUFFER data, echo and error history buffers (SPC-5 §6.18, §6.48).</summary>
    public DataBuffers Buffers { get; private set; } = null!;

    /// <summary>The error history behind READ BUFFER mode 1Ch (SPC-5 §5.7); the storage controller's state save plugs in here.</summary>
    public ErrorHistory ErrorHistory { get; private set; } = null!;

    /// <summary>Asymmetric access states of the target port groups (SPC-5 §5.16).</summary>
    public TargetPortGroups PortGroups { get; private set; } = null!;

    private static readonly TargetPortGroupDefinition[] DefaultTargetPortGroups =
        [new(1, AsymmetricAccessState.ActiveOptimized, [1, 2], Preferred: true)];

    /// <summary>The copy manager behind EXTENDED COPY and RECEIVE COPY RESULTS sent to this logical unit (SPC-5 §5.17).</summary>
    public CopyManager CopyManager { get; private set; } = null!;

    /// <summary>This logical unit as a copy source or destination.</summary>
    internal BlockLogicalUnitCopyTarget CopyTarget { get; private set; } = null!;

    /// <summary>
    /// Where copy target descriptors are looked up: the SCSI target device's logical units once the unit is added
    /// to one, else this unit alone.
    /// </summary>
    internal ICopyTargetResolver? CopyTargets { get; set; }

    private void RegisterServices()
    {
        Reservations = new ReservationManager(_unitAttentions, Options.ReservationStore);
        ErrorHistory = new ErrorHistory(source: Options.ErrorHistorySource);
        Buffers = new DataBuffers(errorHistory: ErrorHistory);
        PortGroups = new TargetPortGroups(unitAttentions: _unitAttentions);
        foreach (TargetPortGroupDefinition group in Options.TargetPortGroups ?? DefaultTargetPortGroups)
        {
            PortGroups.AddGroup(group.Identifier, group.State, group.RelativeTargetPortIdentifiers, group.Preferred);
        }

        CopyTarget = new BlockLogicalUnitCopyTarget(this);
        CopyManager = new CopyManager(new CopyTargetLookup(this), logger: _logger);

        Register(ScsiOpcode.PersistentReserveIn, null, [0x5e, 0x1f, 0, 0, 0, 0, 0, 0xff, 0xff, 0x07], c => c.LogicalUnit.Reservations.PersistentReserveInAsync(c.Command));
        Register(ScsiOpcode.PersistentReserveOut, null, [0x5f, 0x1f, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x07], c => c.LogicalUnit.Reservations.PersistentReserveOutAsync(c.Command));
        Register(ScsiOpcode.Reserve6, null, [0x16, 0, 0, 0, 0, 0x07], c => c.LogicalUnit.Reservations.ReserveAsync(c.Command));
        Register(ScsiOpcode.Release6, null, [0x17, 0, 0, 0, 0, 0x07], c => c.LogicalUnit.Reservations.ReleaseAsync(c.Command));
        Register(ScsiOpcode.Reserve10, null, [0x56, 0x12, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0x07], c => c.LogicalUnit.Reservations.ReserveAsync(c.Command));
        Register(ScsiOpcode.Release10, null, [0x57, 0x12, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0x07], c => c.LogicalUnit.Reservations.ReleaseAsync(c.Command));
        Register(ScsiOpcode.ReadBuffer10, null, [0x3c, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x07], c => c.LogicalUnit.Buffers.ReadBufferAsync(c.Command));
        Register(ScsiOpcode.ReadBuffer16, null, [0x9b, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x07], c => c.LogicalUnit.Buffers.ReadBufferAsync(c.Command));
        Register(ScsiOpcode.WriteBuffer, null, [0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x07], c => c.LogicalUnit.Buffers.WriteBufferAsync(c.Command));
        Register(ScsiOpcode.MaintenanceIn, (ushort)MaintenanceInServiceAction.ReportTargetPortGroups, [0xa3, 0xff, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x07],
            c => c.LogicalUnit.PortGroups.ReportTargetPortGroupsAsync(c.Command), CommandFlags.AllowedDuringSanitize);
        Register(ScsiOpcode.MaintenanceOut, (ushort)MaintenanceOutServiceAction.SetTargetPortGroups, [0xa4, 0x1f, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x07],
            c => c.LogicalUnit.PortGroups.SetTargetPortGroupsAsync(c.Command));
        Register(ScsiOpcode.ExtendedCopy, (ushort)ThirdPartyCopyOutServiceAction.ExtendedCopyLid1, [0x83, 0x1f, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x07],
            c => c.LogicalUnit.CopyManager.ExtendedCopyAsync(c.Command), CommandFlags.MediumAccess);
        foreach (ThirdPartyCopyInServiceAction action in (ReadOnlySpan<ThirdPartyCopyInServiceAction>)
            [ThirdPartyCopyInServiceAction.ReceiveCopyStatusLid1, ThirdPartyCopyInServiceAction.ReceiveCopyDataLid1, ThirdPartyCopyInServiceAction.ReceiveCopyOperatingParameters])
        {
            Register(ScsiOpcode.ReceiveCopyResults, (ushort)action, [0x84, 0x1f, 0xff, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0x07],
                c => c.LogicalUnit.CopyManager.ReceiveCopyResultsAsync(c.Command));
        }
    }

    /// <summary>Resolves copy target descriptors through <see cref="CopyTargets"/>, or to this unit alone.</summary>
    private sealed class CopyTargetLookup(BlockLogicalUnit owner) : ICopyTargetResolver
    {
        public ICopyBlockDevice? Resolve(CopyTargetDesignator designator) =>
            owner.CopyTargets is { } targets ? targets.Resolve(designator)
            : owner.CopyTarget.IsNamedBy(designator) ? owner.CopyTarget : null;
    }

    private void Register(ScsiOpcode opcode, ushort? serviceAction, byte[] usage, ScsiCommandHandler handler, CommandFlags flags = CommandFlags.None) =>
        Commands.Register(new CommandDefinition(opcode, serviceAction, usage, handler, flags));

    /// <summary>Reservation and port group checks before a command runs (SPC-5 §5.13 tables, §5.16 access states).</summary>
    private ScsiCommandResult? CheckServices(ITNexus nexus, ReadOnlySpan<byte> cdb) =>
        Reservations.CheckConflict(nexus, cdb) ?? PortGroups.CheckAccess(nexus, cdb);

    private void OnServicesNexusEstablished(ITNexus nexus) => Reservations.OnNexusEstablished(nexus);

    private void OnServicesNexusLost(ITNexus nexus)
    {
        Reservations.OnNexusLost(nexus);
        Buffers.OnNexusLost(nexus);
        CopyManager.OnNexusLost(nexus);
    }

    private void OnServicesReset()
    {
        Reservations.OnLogicalUnitReset();
        Buffers.OnLogicalUnitReset();
    }
}
