using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.BackingStores;
using StateSave.Storage.Commands;
using StateSave.Storage.Devices;
using StateSave.Storage.Logging;
using StateSave.Storage.ModePages;

namespace StateSave.Storage.LogicalUnits;

/// <summary>
/// A direct-access logical unit (SBC-4) over an <see cref="IBlockStore"/>. Every command goes through
/// the same steps: task attribute ordering, unit attention (SAM-5 §5.14), operation code lookup in
/// <see cref="Commands"/>, reserved-bit check against the CDB usage data, reservation check, readiness
/// (stopped, sanitize), write protection, then the command's handler; sense data is then put in the
/// format the Control mode page's D_SENSE bit asks for.
/// </summary>
public sealed partial class BlockLogicalUnit : ILogicalUnit
{
    private readonly UnitAttentionQueue _unitAttentions = new();
    private readonly TaskSet _taskSet = new();
    private readonly ILogger _logger;

    public BlockLogicalUnit(BlockLogicalUnitOptions options, ILogger<BlockLogicalUnit>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Store);
        if (options.Store.BlockLength is not (512 or 4096))
        {
            throw new ArgumentException("The logical block length is 512 or 4096.", nameof(options));
        }

        Options = options;
        Store = options.Store;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        ModeParameters = new ModeParameters(options.WriteCacheEnabled);
        BlockCommandSet.RegisterAll(Commands, options);
        RegisterServices();
    }

    public BlockLogicalUnitOptions Options { get; }

    public IBlockStore Store { get; }

    /// <summary>The dispatch table; other components register their commands here.</summary>
    public CommandTable Commands { get; } = new();

    /// <summary>Vendor-specific commands of this logical unit (consulted before the target's).</summary>
    public VendorCommandTable VendorCommands { get; } = new();

    public IUnitAttentionSink UnitAttentions => _unitAttentions;

    /// <summary>The logical unit number the target device added this unit under (for logs).</summary>
    public LogicalUnitNumber Lun { get; set; }

    public int BlockLength => Store.BlockLength;

    public ulong BlockCount => Store.BlockCount;

    internal ModeParameters ModeParameters { get; }

    internal LbaRangeLock RangeLock { get; } = new();

    private volatile bool _stopped;
    private volatile bool _mediumEjected;

    /// <summary>Stopped by START STOP UNIT (START = 0): medium access is NOT READY.</summary>
    internal bool IsStopped { get => _stopped; set => _stopped = value; }

    /// <summary>LOEJ ejected the medium of a removable unit.</summary>
    internal bool IsMediumEjected { get => _mediumEjected; set => _mediumEjected = value; }

    internal SanitizeState Sanitize { get; } = new();

    /// <summary>Nexuses holding PREVENT ALLOW MEDIUM REMOVAL "prevent" (SBC-4 §5.14).</summary>
    internal HashSet<ITNexus> PreventingNexuses { get; } = [];

    /// <summary>Write protected by configuration or by the SWP bit of the Control mode page.</summary>
    public bool IsWriteProtected => Options.WriteProtected || ModeParameters.SoftwareWriteProtect;

    /// <summary>Registers a vendor-specific command (C0h-FFh) of this logical unit only; null removes it.</summary>
    public void RegisterVendorCommand(byte opcode, IVendorCommandHandler? handler) => VendorCommands.Register(opcode, handler);

    /// <summary>
    /// The medium's capacity changed (e.g. a simulator resized its store): every I_T nexus gets CAPACITY
    /// DATA HAS CHANGED (SBC-4 §4.7).
    /// </summary>
    public void OnCapacityChanged() => _unitAttentions.EstablishForOthers(null, AdditionalSenseCode.CapacityDataHasChanged);

    public ValueTask<ScsiCommandResult> ExecuteAsync(IScsiCommand command, VendorCommandTable? targetVendorCommands)
    {
        ArgumentNullException.ThrowIfNull(command);
        return ExecuteCoreAsync(command, targetVendorCommands);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ScsiCommandResult> ExecuteCoreAsync(IScsiCommand command, VendorCommandTable? targetVendorCommands)
    {
        ReadOnlyMemory<byte> cdbMemory = command.Cdb;
        if (cdbMemory.IsEmpty)
        {
            return CommandResults.InvalidCommandOperationCode;
        }

        TaskSetSlot slot;
        try
        {
            slot = await _taskSet.EnterAsync(command.TaskAttribute, command.Aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return ScsiCommandResult.TaskAborted;
        }

        using (slot)
        {
            ScsiCommandResult result;
            try
            {
                result = await DispatchAsync(command, targetVendorCommands).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (command.Aborted.IsCancellationRequested)
            {
                return ScsiCommandResult.TaskAborted;
            }
#pragma warning disable CA1031 // A device server never throws for a command: it reports INTERNAL TARGET FAILURE.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                StorageLog.CommandFailed(_logger, (ScsiOpcode)cdbMemory.Span[0], Lun, exception);
                result = ScsiCommandResult.CheckCondition(SenseData.HardwareError(AdditionalSenseCode.InternalTargetFailure));
            }

            return ApplySenseFormat(result, (ScsiOpcode)cdbMemory.Span[0]);
        }
    }

    /// <summary>Sense data goes out in the format the D_SENSE bit of the Control mode page selects (SPC-5 §4.4.1).</summary>
    internal ScsiCommandResult ApplySenseFormat(ScsiCommandResult result, ScsiOpcode opcode)
    {
        if (result.Sense is not { } sense)
        {
            return result;
        }

        StorageLog.CheckCondition(_logger, opcode, Lun, sense);
        SenseDataFormat format = ModeParameters.DescriptorSense ? SenseDataFormat.Descriptor : SenseDataFormat.Fixed;
        return sense.Format == format ? result : result with { Sense = sense with { Format = format } };
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ScsiCommandResult> DispatchAsync(IScsiCommand command, VendorCommandTable? targetVendorCommands)
    {
        byte opcode = command.Cdb.Span[0];
        ITNexus nexus = command.Nexus;

        if (opcode >= ScsiOpcodeExtensions.FirstVendorSpecific)
        {
            if (TryTakeUnitAttention(nexus, out ScsiCommandResult attention))
            {
                return attention;
            }

            if (VendorCommands.TryGet(opcode, out IVendorCommandHandler handler)
                || (targetVendorCommands is not null && targetVendorCommands.TryGet(opcode, out handler)))
            {
                if (CheckServices(nexus, command.Cdb.Span) is { } vendorRefused)
                {
                    return vendorRefused;
                }

                if (Options.ReservationPolicy.IsConflict(nexus, command.Cdb.Span))
                {
                    return ScsiCommandResult.ReservationConflict;
                }

                return await handler.ExecuteAsync(command, command.Aborted).ConfigureAwait(false);
            }

            return CommandResults.InvalidCommandOperationCode;
        }

        bool found = Commands.TryResolve(command.Cdb.Span, out CommandDefinition definition, out CdbFieldError lookupError);
        if (!found || (definition.Flags & CommandFlags.IgnoresUnitAttention) == 0)
        {
            if (TryTakeUnitAttention(nexus, out ScsiCommandResult attention))
            {
                return attention;
            }
        }

        if (!found)
        {
            return CommandResults.FromFieldError(lookupError);
        }

        if (CheckCdb(command.Cdb.Span, definition) is { } cdbError)
        {
            return cdbError;
        }

        if (CheckServices(nexus, command.Cdb.Span) is { } refused)
        {
            return refused;
        }

        if (Options.ReservationPolicy.IsConflict(nexus, command.Cdb.Span))
        {
            return ScsiCommandResult.ReservationConflict;
        }

        if (Sanitize.IsInProgress && (definition.Flags & CommandFlags.AllowedDuringSanitize) == 0)
        {
            return ScsiCommandResult.CheckCondition(SenseData.NotReady(AdditionalSenseCode.LogicalUnitNotReadySanitizeInProgress, Sanitize.Progress));
        }

        if ((definition.Flags & CommandFlags.MediumAccess) != 0)
        {
            if (IsMediumEjected)
            {
                return CommandResults.NotReady(AdditionalSenseCode.MediumNotPresentTrayOpen);
            }

            if (IsStopped)
            {
                return CommandResults.NotReady(AdditionalSenseCode.LogicalUnitNotReadyInitializingCommandRequired);
            }

            if (Sanitize.HasFailed && definition.OperationCode != ScsiOpcode.Sanitize)
            {
                return ScsiCommandResult.CheckCondition(SenseData.MediumError(AdditionalSenseCode.SanitizeCommandFailed));
            }
        }

        if ((definition.Flags & CommandFlags.WritesMedium) != 0 && IsWriteProtected)
        {
            return CommandResults.WriteProtected;
        }

        return await definition.Handler(new CommandContext(this, command, definition)).ConfigureAwait(false);
    }

    /// <summary>
    /// Reserved bits set to one (every bit the CDB usage data leaves zero, except the CONTROL byte's vendor
    /// and obsolete bits) are INVALID FIELD IN CDB pointing at the bit (SPC-5 §4.2.5.1); so is NACA, as ACA is not supported.
    /// </summary>
    private static ScsiCommandResult? CheckCdb(ReadOnlySpan<byte> cdb, CommandDefinition definition)
    {
        int length = definition.CdbLength;
        if (cdb.Length < length)
        {
            return CommandResults.InvalidFieldInCdb(0);
        }

        for (int i = 1; i < length - 1; i++)
        {
            int reserved = cdb[i] & ~definition.CdbUsageData[i];
            if (reserved != 0)
            {
                return CommandResults.InvalidFieldInCdb(i, 31 - int.LeadingZeroCount(reserved));
            }
        }

        if ((cdb[length - 1] & 0x04) != 0)
        {
            return CommandResults.InvalidFieldInCdb(length - 1, 2);
        }

        return null;
    }

    private bool TryTakeUnitAttention(ITNexus nexus, out ScsiCommandResult result)
    {
        if (_unitAttentions.TryTake(nexus, out AdditionalSenseCode code))
        {
            StorageLog.UnitAttentionReported(_logger, code, nexus.InitiatorPortName, Lun);
            result = ScsiCommandResult.CheckCondition(SenseData.UnitAttention(code));
            return true;
        }

        result = default;
        return false;
    }

    /// <summary>REQUEST SENSE reports a pending unit attention as its parameter data and clears it (SAM-5 §5.14).</summary>
    internal bool TryTakeUnitAttention(ITNexus nexus, out AdditionalSenseCode code) => _unitAttentions.TryTake(nexus, out code);

    /// <summary>REPORT LUNS from <paramref name="nexus"/> clears its REPORTED LUNS DATA HAS CHANGED condition (SPC-5 §6.33).</summary>
    internal void OnReportLuns(ITNexus nexus) => _unitAttentions.Clear(nexus, AdditionalSenseCode.ReportedLunsDataHasChanged);

    /// <summary>Establishes MODE PARAMETERS CHANGED for every nexus but the one that changed them (SPC-5 §6.11).</summary>
    internal void OnModeParametersChanged(ITNexus changedBy) =>
        _unitAttentions.EstablishForOthers(changedBy, AdditionalSenseCode.ModeParametersChanged);

    public void OnNexusEstablished(ITNexus nexus)
    {
        _unitAttentions.Register(nexus);
        OnServicesNexusEstablished(nexus);
    }

    public void OnNexusLost(ITNexus nexus)
    {
        _unitAttentions.OnNexusLost(nexus);
        OnServicesNexusLost(nexus);
        lock (PreventingNexuses)
        {
            PreventingNexuses.Remove(nexus);
        }
    }

    public ValueTask ResetAsync(ITNexus requester)
    {
        ArgumentNullException.ThrowIfNull(requester);
        StorageLog.LogicalUnitReset(_logger, requester.InitiatorPortName);
        ClearResettableState();
        _unitAttentions.ResetAll(except: null, AdditionalSenseCode.BusDeviceResetFunctionOccurred);
        return ValueTask.CompletedTask;
    }

    public ValueTask ResetTargetAsync(ITNexus requester, bool cold)
    {
        ClearResettableState();
        if (cold)
        {
            ModeParameters.Reset();
        }

        _unitAttentions.ResetAll(except: null, cold ? AdditionalSenseCode.PowerOnOccurred : AdditionalSenseCode.ScsiBusResetOccurred);
        return ValueTask.CompletedTask;
    }

    public void OnTaskSetCleared(ITNexus requester, bool otherNexusesAffected)
    {
        if (otherNexusesAffected)
        {
            _unitAttentions.EstablishForOthers(requester, AdditionalSenseCode.CommandsClearedByAnotherInitiator);
        }
    }

    internal void OnSanitizeFailed(Exception exception) => StorageLog.SanitizeFailed(_logger, exception);

    private void ClearResettableState()
    {
        OnServicesReset();
        // A reset releases PREVENT ALLOW MEDIUM REMOVAL (SBC-4 §5.14) and makes the unit ready again.
        lock (PreventingNexuses)
        {
            PreventingNexuses.Clear();
        }

        IsStopped = false;
    }
}
