using System.Buffers.Binary;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.Commands;
using StateSave.Storage.Logging;
using StateSave.Storage.LogicalUnits;

namespace StateSave.Storage.Devices;

/// <summary>
/// The SCSI target device behind one iSCSI target (SAM-5 §4.6): its logical units by LUN, which
/// initiators see which LUNs (LUN masking; all by default), REPORT LUNS and the REPORT LUNS well-known
/// logical unit, answers for absent or masked LUNs, target-wide vendor-specific commands, and the
/// fan-out of resets and I_T nexus events to the logical units. Thread-safe; commands run concurrently.
/// </summary>
public sealed class ScsiTargetDevice : IScsiDeviceServer
{
    private readonly ConcurrentDictionary<LogicalUnitNumber, ILogicalUnit> _units = new();
    private readonly ConcurrentDictionary<string, HashSet<LogicalUnitNumber>> _masks = new(StringComparer.Ordinal);
    private readonly VendorCommandTable _vendorCommands = new();
    private readonly ILogger _logger;
    private readonly DeviceCopyTargets _copyTargets;
    private volatile ITaskAborter? _taskAborter;

    public ScsiTargetDevice(ILogger<ScsiTargetDevice>? logger = null)
    {
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _copyTargets = new DeviceCopyTargets(_units);
    }

    /// <summary>Adds a logical unit; every I_T nexus then gets REPORTED LUNS DATA HAS CHANGED on the other units.</summary>
    /// <exception cref="ArgumentException">The LUN is taken or is a well-known LUN.</exception>
    public void AddLogicalUnit(LogicalUnitNumber lun, ILogicalUnit logicalUnit)
    {
        ArgumentNullException.ThrowIfNull(logicalUnit);
        if (lun.IsWellKnown || !_units.TryAdd(lun, logicalUnit))
        {
            throw new ArgumentException($"LUN {lun} is already in use or reserved.", nameof(lun));
        }

        if (logicalUnit is BlockLogicalUnit block)
        {
            block.Lun = lun;
            block.CopyTargets = _copyTargets;
            block.Reservations.AbortTasksRequested += request =>
                _taskAborter?.AbortTasks(lun, request.Includes, request.RequestedBy, request.RequestTaskTag);
        }

        StorageLog.LogicalUnitAdded(_logger, lun);
        AnnounceInventoryChange(except: lun);
    }

    /// <summary>Removes a logical unit (REPORTED LUNS DATA HAS CHANGED for the others).</summary>
    public bool RemoveLogicalUnit(LogicalUnitNumber lun)
    {
        bool removed = _units.TryRemove(lun, out _);
        if (removed)
        {
            AnnounceInventoryChange(except: null);
        }

        return removed;
    }

    /// <summary>The logical unit at <paramref name="lun"/>, if any.</summary>
    public bool TryGetLogicalUnit(LogicalUnitNumber lun, out ILogicalUnit logicalUnit) => _units.TryGetValue(lun, out logicalUnit!);

    /// <summary>
    /// Restricts the initiator named <paramref name="initiatorName"/> (iSCSI name) to <paramref name="visibleLuns"/>;
    /// null lifts the restriction. The initiator's nexuses get REPORTED LUNS DATA HAS CHANGED.
    /// </summary>
    public void SetLunMask(string initiatorName, IEnumerable<LogicalUnitNumber>? visibleLuns)
    {
        ArgumentException.ThrowIfNullOrEmpty(initiatorName);
        if (visibleLuns is null)
        {
            _masks.TryRemove(initiatorName, out _);
        }
        else
        {
            _masks[initiatorName] = [.. visibleLuns];
        }

        AnnounceInventoryChange(except: null);
    }

    /// <summary>Registers a target-wide handler for a vendor-specific operation code (C0h-FFh); null removes it.</summary>
    public void RegisterVendorCommand(byte opcode, IVendorCommandHandler? handler) => _vendorCommands.Register(opcode, handler);

    /// <summary>The transport that aborts the tasks PREEMPT AND ABORT preempts.</summary>
    public void AttachTaskAborter(ITaskAborter aborter)
    {
        ArgumentNullException.ThrowIfNull(aborter);
        _taskAborter = aborter;
    }

    public bool IsAccessible(LogicalUnitNumber lun, ITNexus nexus)
    {
        ArgumentNullException.ThrowIfNull(nexus);
        return _units.ContainsKey(lun) && IsVisible(lun, nexus.InitiatorName);
    }

    public ValueTask<ScsiCommandResult> ExecuteAsync(IScsiCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        ReadOnlySpan<byte> cdb = command.Cdb.Span;
        if (cdb.IsEmpty)
        {
            return ValueTask.FromResult(CommandResults.InvalidCommandOperationCode);
        }

        if (cdb[0] == (byte)ScsiOpcode.ReportLuns)
        {
            return ReportLunsAsync(command);
        }

        if (command.Lun == LogicalUnitNumber.ReportLunsWellKnown)
        {
            return WellKnownLogicalUnitAsync(command);
        }

        if (_units.TryGetValue(command.Lun, out ILogicalUnit? logicalUnit) && IsVisible(command.Lun, command.Nexus.InitiatorName))
        {
            return logicalUnit.ExecuteAsync(command, _vendorCommands);
        }

        StorageLog.CommandToAbsentLun(_logger, (ScsiOpcode)cdb[0], command.Lun, command.Nexus.InitiatorName);
        return AbsentLogicalUnitAsync(command);
    }

    public async ValueTask ResetLogicalUnitAsync(LogicalUnitNumber lun, ITNexus requester)
    {
        if (_units.TryGetValue(lun, out ILogicalUnit? logicalUnit))
        {
            await logicalUnit.ResetAsync(requester).ConfigureAwait(false);
        }
    }

    public async ValueTask ResetTargetAsync(ITNexus requester, bool cold)
    {
        foreach (ILogicalUnit logicalUnit in _units.Values)
        {
            await logicalUnit.ResetTargetAsync(requester, cold).ConfigureAwait(false);
        }
    }

    public void OnTaskSetCleared(LogicalUnitNumber lun, ITNexus requester, bool otherNexusesAffected)
    {
        if (_units.TryGetValue(lun, out ILogicalUnit? logicalUnit))
        {
            logicalUnit.OnTaskSetCleared(requester, otherNexusesAffected);
        }
    }

    public void OnNexusEstablished(ITNexus nexus)
    {
        foreach (ILogicalUnit logicalUnit in _units.Values)
        {
            logicalUnit.OnNexusEstablished(nexus);
        }
    }

    public void OnNexusLost(ITNexus nexus)
    {
        foreach (ILogicalUnit logicalUnit in _units.Values)
        {
            logicalUnit.OnNexusLost(nexus);
        }
    }

    private bool IsVisible(LogicalUnitNumber lun, string initiatorName) =>
        !_masks.TryGetValue(initiatorName, out HashSet<LogicalUnitNumber>? visible) || visible.Contains(lun);

    private void AnnounceInventoryChange(LogicalUnitNumber? except)
    {
        foreach ((LogicalUnitNumber lun, ILogicalUnit logicalUnit) in _units)
        {
            if (lun != except)
            {
                logicalUnit.UnitAttentions.EstablishForOthers(null, AdditionalSenseCode.ReportedLunsDataHasChanged);
            }
        }
    }

    /// <summary>
    /// REPORT LUNS (SPC-5 §6.33): SELECT REPORT 00h logical units, 01h well-known logical units, 02h both;
    /// 10h-12h (administrative and subsidiary logical units) give the same as 00h, as there are no conglomerates.
    /// </summary>
    private async ValueTask<ScsiCommandResult> ReportLunsAsync(IScsiCommand command)
    {
        ReadOnlySpan<byte> cdb = command.Cdb.Span;
        if (cdb.Length < 12)
        {
            return CommandResults.InvalidFieldInCdb(0);
        }

        byte selectReport = cdb[2];
        uint allocationLength = BinaryPrimitives.ReadUInt32BigEndian(cdb[6..]);
        if (selectReport is not (0x00 or 0x01 or 0x02 or 0x10 or 0x11 or 0x12))
        {
            return CommandResults.InvalidFieldInCdb(2);
        }

        if (allocationLength < 4)
        {
            return CommandResults.InvalidFieldInCdb(6);
        }

        var luns = new List<LogicalUnitNumber>();
        if (selectReport != 0x01)
        {
            luns.AddRange(_units.Keys.Where(lun => IsVisible(lun, command.Nexus.InitiatorName)).OrderBy(static lun => lun.Value));
        }

        if (selectReport is 0x01 or 0x02)
        {
            luns.Add(LogicalUnitNumber.ReportLunsWellKnown);
        }

        foreach (ILogicalUnit logicalUnit in _units.Values)
        {
            if (logicalUnit is BlockLogicalUnit block)
            {
                block.OnReportLuns(command.Nexus);
            }
        }

        byte[] data = ReportLunsData.Build(luns);
        int length = (int)Math.Min((uint)data.Length, allocationLength);
        await command.SendDataInAsync(data.AsMemory(0, length), command.Aborted).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }

    /// <summary>The REPORT LUNS well-known logical unit (SPC-5 §8.2): INQUIRY, REQUEST SENSE, TEST UNIT READY and REPORT LUNS only.</summary>
    private static async ValueTask<ScsiCommandResult> WellKnownLogicalUnitAsync(IScsiCommand command)
    {
        ReadOnlySpan<byte> cdb = command.Cdb.Span;
        switch ((ScsiOpcode)cdb[0])
        {
            case ScsiOpcode.Inquiry when cdb.Length >= 6:
                if ((cdb[1] & 0x01) != 0 || cdb[2] != 0)
                {
                    return CommandResults.InvalidFieldInCdb((cdb[1] & 0x01) != 0 ? 1 : 2);
                }

                byte[] data = ShortInquiry(0x1e);
                await SendAsync(command, data, BinaryPrimitives.ReadUInt16BigEndian(cdb[3..])).ConfigureAwait(false);
                return ScsiCommandResult.Good;
            case ScsiOpcode.TestUnitReady:
                return ScsiCommandResult.Good;
            case ScsiOpcode.RequestSense when cdb.Length >= 6:
                await SendSenseAsync(command, new SenseData(SenseKey.NoSense, AdditionalSenseCode.NoAdditionalSenseInformation), cdb).ConfigureAwait(false);
                return ScsiCommandResult.Good;
            default:
                return CommandResults.InvalidCommandOperationCode;
        }
    }

    /// <summary>
    /// A LUN with no logical unit (or masked): INQUIRY answers PERIPHERAL QUALIFIER 011b, DEVICE TYPE 1Fh;
    /// REQUEST SENSE returns LOGICAL UNIT NOT SUPPORTED as its data; anything else ends in CHECK CONDITION,
    /// ILLEGAL REQUEST, LOGICAL UNIT NOT SUPPORTED (SPC-5 §4.6.4, SAM-5 §5.9.5).
    /// </summary>
    private static async ValueTask<ScsiCommandResult> AbsentLogicalUnitAsync(IScsiCommand command)
    {
        ReadOnlySpan<byte> cdb = command.Cdb.Span;
        var notSupported = SenseData.IllegalRequest(AdditionalSenseCode.LogicalUnitNotSupported);
        switch ((ScsiOpcode)cdb[0])
        {
            case ScsiOpcode.Inquiry when cdb.Length >= 6:
                // Standard data, or for EVPD an empty page, both with PERIPHERAL QUALIFIER 011b.
                byte[] inquiry = (cdb[1] & 0x01) != 0 ? [0x7f, cdb[2], 0, 0] : ShortInquiry(0x7f);
                await SendAsync(command, inquiry, BinaryPrimitives.ReadUInt16BigEndian(cdb[3..])).ConfigureAwait(false);
                return ScsiCommandResult.Good;
            case ScsiOpcode.RequestSense when cdb.Length >= 6:
                await SendSenseAsync(command, notSupported, cdb).ConfigureAwait(false);
                return ScsiCommandResult.Good;
            default:
                return ScsiCommandResult.CheckCondition(notSupported);
        }
    }

    private static byte[] ShortInquiry(byte peripheral)
    {
        byte[] data = new byte[36];
        data[0] = peripheral;
        data[2] = 0x06;
        data[3] = 0x12;
        data[4] = 31;
        data[7] = 0x02;
        return data;
    }

    private static ValueTask SendSenseAsync(IScsiCommand command, SenseData sense, ReadOnlySpan<byte> cdb)
    {
        sense = sense with { Format = (cdb[1] & 0x01) != 0 ? SenseDataFormat.Descriptor : SenseDataFormat.Fixed };
        byte[] data = new byte[SenseData.MaximumLength];
        int length = sense.Encode(data);
        return SendAsync(command, data.AsMemory(0, length), cdb[4]);
    }

    private static ValueTask SendAsync(IScsiCommand command, ReadOnlyMemory<byte> data, uint allocationLength)
    {
        int length = (int)Math.Min((uint)data.Length, allocationLength);
        return length == 0 ? ValueTask.CompletedTask : command.SendDataInAsync(data[..length], command.Aborted);
    }
}
