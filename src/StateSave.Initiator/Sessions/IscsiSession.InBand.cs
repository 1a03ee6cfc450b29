using System.Buffers;
using StateSave.Initiator.Commands;
using StateSave.Initiator.Connections;
using StateSave.Initiator.InBand;
using StateSave.Initiator.Logging;
using StateSave.Iscsi.InBand;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Scsi;

namespace StateSave.Initiator.Sessions;

// In-band state save on the initiator side (specs/in-band-state-save.md §2, §3): State Save Requests in, answers out.
public sealed partial class IscsiSession
{
    /// <summary>Both sides said Yes to the in-band state-save key at login.</summary>
    public bool InBandStateSave => InBandStateSaveKey.IsEnabled(Parameters);

    /// <summary>Where this session's State Save Requests go (the host's HBA driver); without one they are refused.</summary>
    public IInBandStateSaveHandler? InBandStateSaveHandler { get; set; }

    /// <summary>Sends one State Save Data PDU (the writer's queue, immediate, no CmdSN); completes once it is written.</summary>
    public async Task SendStateSaveDataAsync(StateSaveDataPdu pdu, CancellationToken cancellationToken = default)
    {
        var operation = new StateSaveDataOperation(pdu);
        Submit(operation);
        await operation.Written.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void OnVendorSpecific(InitiatorConnection connection, in IscsiPdu pdu)
    {
        if (!InBandStateSave)
        {
            InitiatorLog.VendorPduIgnored(_logger, connection.ConnectionId, pdu.Opcode, "the session did not negotiate in-band state save");
            return;
        }

        VendorSpecificPdu vendor = VendorSpecificPdu.Parse(pdu);
        if (!StateSaveRequestPdu.TryParse(vendor, out StateSaveRequestPdu parsed, out string? error))
        {
            InitiatorLog.VendorPduIgnored(_logger, connection.ConnectionId, pdu.Opcode, error!);
            return;
        }

        byte[] cdb = new byte[StateSaveRequestPdu.CdbLength];
        parsed.CopyCdbTo(cdb);
        // Copied out of the receive buffer: bounded by the initiator's MaxRecvDataSegmentLength.
        var request = new InBandStateSaveRequest(parsed.Lun, parsed.VendorTaskTag, parsed.FailureId, cdb, parsed.ParameterList.ToArray());
        InitiatorLog.StateSaveRequestReceived(_logger, connection.ConnectionId, request.VendorTaskTag, request.FailureId);
        _ = Task.Run(() => HandleStateSaveRequestAsync(request)); // off the read loop: the session's I/O keeps flowing
    }

    private async Task HandleStateSaveRequestAsync(InBandStateSaveRequest request)
    {
        try
        {
            if (InBandStateSaveHandler is { } handler)
            {
                await handler.HandleAsync(this, request, _disposing.Token).ConfigureAwait(false);
            }
            else
            {
                await new InBandStateSaveResponse(this, request)
                    .FailAsync(SenseData.IllegalRequest(AdditionalSenseCode.InvalidCommandOperationCode, 0), _disposing.Token).ConfigureAwait(false);
            }
        }
#pragma warning disable CA1031 // A handler's failure ends that request only, with HARDWARE ERROR; it never reaches the read loop.
        catch (Exception error)
#pragma warning restore CA1031
        {
            InitiatorLog.StateSaveHandlerFailed(_logger, request.VendorTaskTag, error);
            try
            {
                await new InBandStateSaveResponse(this, request)
                    .FailAsync(SenseData.HardwareError(AdditionalSenseCode.InternalTargetFailure), _disposing.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // The session may be gone: nothing more to tell.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
