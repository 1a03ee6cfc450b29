using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Reservations;

// RESERVE(6)/(10) and RELEASE(6)/(10) (SPC-2 §7.21-7.24), with the exceptions of SPC-5 §5.14.3.2 when a
// persistent reservation exists. Third-party reservations and extents are not supported.
public sealed partial class ReservationManager
{
    /// <summary>RESERVE(6) or RESERVE(10).</summary>
    public ValueTask<ScsiCommandResult> ReserveAsync(IScsiCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (CheckSpc2Cdb(command.Cdb.Span) is { } invalid)
        {
            return ValueTask.FromResult(invalid);
        }

        ITNexus nexus = command.Nexus;
        lock (_lock)
        {
            if (_reservationType is { } type)
            {
                // A holder, or a registrant under a registrants only / all registrants type: GOOD, nothing changes.
                return ValueTask.FromResult(HasAccess(nexus, type) ? ScsiCommandResult.Good : ScsiCommandResult.ReservationConflict);
            }

            if (_spc2Holder is { } holder && !holder.Equals(nexus))
            {
                return ValueTask.FromResult(ScsiCommandResult.ReservationConflict);
            }

            _spc2Holder = nexus;
            UpdateAnyReservation();
        }

        ReservationLog.Spc2Reserved(_logger, nexus.InitiatorPortName);
        return ValueTask.FromResult(ScsiCommandResult.Good);
    }

    /// <summary>RELEASE(6) or RELEASE(10): releases the caller's reservation; from any other I_T nexus GOOD without effect.</summary>
    public ValueTask<ScsiCommandResult> ReleaseAsync(IScsiCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (CheckSpc2Cdb(command.Cdb.Span) is { } invalid)
        {
            return ValueTask.FromResult(invalid);
        }

        lock (_lock)
        {
            if (_reservationType is { } type)
            {
                return ValueTask.FromResult(HasAccess(command.Nexus, type) ? ScsiCommandResult.Good : ScsiCommandResult.ReservationConflict);
            }

            if (command.Nexus.Equals(_spc2Holder))
            {
                ReleaseSpc2("RELEASE");
            }
        }

        return ValueTask.FromResult(ScsiCommandResult.Good);
    }

    // (6): byte 1 bit 4 3RDPTY, bits 3-1 THIRD PARTY DEVICE ID, bit 0 EXTENT (all obsolete).
    // (10): byte 1 bit 4 3RDPTY, bit 1 LONGID, bit 0 EXTENT; 3 THIRD PARTY DEVICE ID; 7-8 PARAMETER LIST LENGTH.
    private static ScsiCommandResult? CheckSpc2Cdb(ReadOnlySpan<byte> cdb)
    {
        if (cdb.Length < 2)
        {
            return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, 0));
        }

        if ((cdb[1] & 0x10) != 0)
        {
            return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, 1, 4));
        }

        bool tenByte = (ScsiOpcode)cdb[0] is ScsiOpcode.Reserve10 or ScsiOpcode.Release10;
        if (tenByte && (cdb[1] & 0x02) != 0)
        {
            return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, 1, 1));
        }

        return (cdb[1] & 0x01) != 0
            ? ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, 1, 0))
            : null;
    }
}
