using System.Globalization;
using StateSave.Initiator.InBand;
using StateSave.Initiator.Sessions;
using StateSave.Scsi;

namespace StateSave.Host.Hba;

// The HBA driver's part of in-band state save (specs/in-band-state-save.md §3): it receives the State Save Requests of
// all its sessions, records them, and hands them to the failover driver's receiver.
public sealed partial class HbaDriver : IInBandStateSaveHandler
{
    /// <summary>Where State Save Requests go (the failover driver's snapshot responder); none: they are refused.</summary>
    public IInBandStateSaveHandler? StateSaveReceiver { get; set; }

    async ValueTask IInBandStateSaveHandler.HandleAsync(IscsiSession session, InBandStateSaveRequest request, CancellationToken cancellationToken)
    {
        HbaSession? path;
        lock (_gate)
        {
            path = _sessions.Find(s => ReferenceEquals(s.Session, session));
        }

        Record(HbaEventKind.StateSaveRequest, path?.Port.Name ?? "?", path?.Id,
            string.Create(CultureInfo.InvariantCulture, $"failure {request.FailureId:x16}, CDB {request.Cdb.Span[0]:x2}h, VTT 0x{request.VendorTaskTag:x8}"));
        if (StateSaveReceiver is { } receiver)
        {
            await receiver.HandleAsync(session, request, cancellationToken).ConfigureAwait(false);
            return;
        }

        await new InBandStateSaveResponse(session, request)
            .FailAsync(SenseData.IllegalRequest(CdbFieldError.InvalidOperationCode), cancellationToken).ConfigureAwait(false);
    }
}
