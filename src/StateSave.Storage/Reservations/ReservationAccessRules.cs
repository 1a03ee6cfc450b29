using System.Buffers.Binary;
using StateSave.Scsi;

namespace StateSave.Storage.Reservations;

/// <summary>
/// Classifies commands for reservation checks: SPC-5 §5.14.3.3 table "SPC commands that are allowed in the
/// presence of various reservations" and SBC-4 §4.16 table "SBC commands that are allowed in the presence of
/// various reservations", plus the commands SPC-2 §5.5.1 lets through a RESERVE(6)/(10) reservation.
/// Commands not listed are treated as writes: unknown commands conflict.
/// </summary>
public static class ReservationAccessRules
{
    private const byte ReadCapacity16 = 0x10;
    private const byte ReadLong16 = 0x11;
    private const byte GetLbaStatus = 0x12;
    private const byte ReportReferrals = 0x13;
    private const byte ReadMediaSerialNumber = 0x01;
    private const ushort Read32 = 0x0009;
    private const ushort Verify32 = 0x000a;
    private const byte ReadLong10 = 0x3e;
    private const byte SecurityProtocolIn = 0xa2;

    /// <summary>The access class of the command in <paramref name="cdb"/> under a persistent reservation.</summary>
    public static CommandAccess Classify(ReadOnlySpan<byte> cdb)
    {
        if (cdb.IsEmpty)
        {
            return CommandAccess.Write;
        }

        byte serviceAction = cdb.Length > 1 ? (byte)(cdb[1] & 0x1f) : (byte)0;
        switch ((ScsiOpcode)cdb[0])
        {
            case ScsiOpcode.Inquiry or ScsiOpcode.LogSense or ScsiOpcode.PersistentReserveIn or ScsiOpcode.ReportLuns
                or ScsiOpcode.RequestSense or ScsiOpcode.TestUnitReady or ScsiOpcode.ReadCapacity10
                or ScsiOpcode.AccessControlIn or ScsiOpcode.AccessControlOut:
                return CommandAccess.Allowed;

            // PREVENT ALLOW MEDIUM REMOVAL: allowed with PREVENT = 0 only.
            case ScsiOpcode.PreventAllowMediumRemoval:
                return cdb.Length > 4 && (cdb[4] & 0x03) == 0 ? CommandAccess.Allowed : CommandAccess.Write;

            // START STOP UNIT: allowed with START = 1 and POWER CONDITION = 0 (SBC-4).
            case ScsiOpcode.StartStopUnit:
                return cdb.Length > 4 && (cdb[4] & 0xf1) == 0x01 ? CommandAccess.Allowed : CommandAccess.Write;

            case ScsiOpcode.ServiceActionIn16:
                return serviceAction switch
                {
                    ReadCapacity16 => CommandAccess.Allowed,
                    ReadLong16 or GetLbaStatus or ReportReferrals => CommandAccess.Read,
                    _ => CommandAccess.Write,
                };

            case ScsiOpcode.ServiceActionIn12:
                return serviceAction == ReadMediaSerialNumber ? CommandAccess.Allowed : CommandAccess.Write;

            case ScsiOpcode.MaintenanceIn:
                return (MaintenanceInServiceAction)serviceAction switch
                {
                    MaintenanceInServiceAction.ReportIdentifyingInformation or MaintenanceInServiceAction.ReportTargetPortGroups
                        or MaintenanceInServiceAction.ReportAliases or MaintenanceInServiceAction.ReportPriority
                        or MaintenanceInServiceAction.ReportTimestamp => CommandAccess.Allowed,
                    MaintenanceInServiceAction.ReportSupportedOperationCodes
                        or MaintenanceInServiceAction.ReportSupportedTaskManagementFunctions
                        or MaintenanceInServiceAction.ManagementProtocolIn => CommandAccess.Read,
                    _ => CommandAccess.Write,
                };

            case ScsiOpcode.ModeSense6 or ScsiOpcode.ModeSense10 or ScsiOpcode.ReadAttribute or ScsiOpcode.ReadBuffer10
                or ScsiOpcode.ReadBuffer16 or ScsiOpcode.ReceiveDiagnosticResults or ScsiOpcode.ReceiveCopyResults
                or (ScsiOpcode)SecurityProtocolIn:
                return CommandAccess.Read;

            // SBC-4 reads.
            case ScsiOpcode.Read6 or ScsiOpcode.Read10 or ScsiOpcode.Read12 or ScsiOpcode.Read16
                or ScsiOpcode.Verify10 or ScsiOpcode.Verify12 or ScsiOpcode.Verify16
                or ScsiOpcode.PreFetch10 or ScsiOpcode.PreFetch16
                or ScsiOpcode.ReadDefectData10 or ScsiOpcode.ReadDefectData12 or (ScsiOpcode)ReadLong10:
                return CommandAccess.Read;

            case ScsiOpcode.VariableLengthCdb:
                return cdb.Length >= 10 && BinaryPrimitives.ReadUInt16BigEndian(cdb[8..]) is Read32 or Verify32
                    ? CommandAccess.Read
                    : CommandAccess.Write;

            case ScsiOpcode.PersistentReserveOut:
                return CommandAccess.PersistentReserveOut;

            case ScsiOpcode.Reserve6 or ScsiOpcode.Reserve10 or ScsiOpcode.Release6 or ScsiOpcode.Release10:
                return CommandAccess.ReserveRelease;

            default:
                return CommandAccess.Write;
        }
    }

    /// <summary>
    /// Commands a RESERVE(6)/(10) reservation lets through from other I_T nexuses (SPC-2 §5.5.1): INQUIRY,
    /// REQUEST SENSE, REPORT LUNS, LOG SENSE, PREVENT ALLOW MEDIUM REMOVAL with PREVENT = 0, REPORT TARGET
    /// PORT GROUPS, and RELEASE (which then has no effect).
    /// </summary>
    public static bool IsAllowedThroughSpc2Reservation(ReadOnlySpan<byte> cdb)
    {
        if (cdb.IsEmpty)
        {
            return false;
        }

        return (ScsiOpcode)cdb[0] switch
        {
            ScsiOpcode.Inquiry or ScsiOpcode.RequestSense or ScsiOpcode.ReportLuns or ScsiOpcode.LogSense
                or ScsiOpcode.Release6 or ScsiOpcode.Release10 => true,
            ScsiOpcode.PreventAllowMediumRemoval => cdb.Length > 4 && (cdb[4] & 0x03) == 0,
            ScsiOpcode.MaintenanceIn => cdb.Length > 1 && (cdb[1] & 0x1f) == (byte)MaintenanceInServiceAction.ReportTargetPortGroups,
            _ => false,
        };
    }
}
