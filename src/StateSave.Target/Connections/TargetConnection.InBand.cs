using System.Buffers;
using System.Collections.Concurrent;
using StateSave.Iscsi.InBand;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Scsi;
using StateSave.Target.InBand;
using StateSave.Target.Sessions;

namespace StateSave.Target.Connections;

// In-band state save on this connection (specs/in-band-state-save.md §2): State Save Requests out, their answers in.
internal sealed partial class TargetConnection
{
    private readonly ConcurrentDictionary<uint, InBandExchange> _inBand = new();
    private uint _nextVendorTaskTag;

    /// <summary>Sends a State Save Request and waits for the whole answer (the data went to <paramref name="sink"/>).</summary>
    public async Task<StateSaveAnswer> SendStateSaveRequestAsync(StateSaveRequest request, IStateSaveDataSink? sink, CancellationToken cancellationToken)
    {
        uint tag = NextVendorTaskTag();
        var exchange = new InBandExchange(tag, request, sink);
        _inBand[tag] = exchange;
        try
        {
            var pdu = new StateSaveRequestPdu
            {
                Lun = request.Lun,
                VendorTaskTag = tag,
                FailureId = request.FailureId,
                ParameterList = new ReadOnlySequence<byte>(request.ParameterList),
            };
            pdu.SetCdb(request.Cdb.Span);
            VendorSpecificPdu wire = pdu.ToVendorSpecificPdu();
            SendBatch batch = await BeginBatchAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                batch.WriteUnsequenced(ref wire);
            }
            finally
            {
                await batch.DisposeAsync().ConfigureAwait(false);
            }

            return await exchange.Answer.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inBand.TryRemove(tag, out _);
        }
    }

    /// <summary>Sends an Asynchronous Message with a SCSI asynchronous event (AsyncEvent 0, RFC 7143 §11.9.1) and its sense data.</summary>
    public async Task SendScsiAsyncEventAsync(ulong lun, SenseData sense, CancellationToken cancellationToken)
    {
        byte[] segment = SenseSegment.ToArray(sense);
        var message = new AsynchronousMessagePdu
        {
            Lun = lun,
            AsyncEvent = AsyncEvent.ScsiAsyncEvent,
            DataSegment = new ReadOnlySequence<byte>(segment),
        };
        SendBatch batch = await BeginBatchAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            batch.Write(ref message, advanceStatSN: true);
        }
        finally
        {
            await batch.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A vendor-specific PDU from the initiator: on a session that negotiated in-band state save, State Save Data for
    /// an outstanding request; anything else is answered with Reject (§1, §4.4).
    /// </summary>
    private async ValueTask HandleVendorSpecificAsync(TargetSession session, IscsiPdu pdu)
    {
        if (!session.InBandStateSave || pdu.Opcode != StateSaveDataPdu.Opcode)
        {
            await SendRejectAsync(RejectReason.CommandNotSupported, pdu.Header, $"{pdu.Opcode} is not supported").ConfigureAwait(false);
            return;
        }

        VendorSpecificPdu vendor = VendorSpecificPdu.Parse(pdu);
        if (!StateSaveDataPdu.TryParse(vendor, out StateSaveDataPdu data, out string? error))
        {
            if (_inBand.TryGetValue(vendor.InitiatorTaskTag, out InBandExchange? broken))
            {
                broken.Fail(new StateSaveProtocolException($"a malformed State Save Data PDU: {error}"));
            }

            await SendRejectAsync(RejectReason.InvalidPduField, pdu.Header, $"malformed State Save Data: {error}").ConfigureAwait(false);
            return;
        }

        if (!_inBand.TryGetValue(data.VendorTaskTag, out InBandExchange? exchange))
        {
            // An answer to nothing outstanding (a request that timed out, or a made-up tag): refused, nothing kept.
            await SendRejectAsync(RejectReason.InvalidPduField, pdu.Header, $"no State Save Request has VTT 0x{data.VendorTaskTag:x8}").ConfigureAwait(false);
            return;
        }

        if (await exchange.AcceptAsync(data, Closing).ConfigureAwait(false))
        {
            _inBand.TryRemove(data.VendorTaskTag, out _);
        }
    }

    /// <summary>The connection ended: every outstanding request fails (the controller resumes elsewhere).</summary>
    private void FailInBandExchanges(string reason)
    {
        foreach (InBandExchange exchange in _inBand.Values)
        {
            exchange.Fail(new IOException($"the connection ended: {reason}"));
        }

        _inBand.Clear();
    }

    private uint NextVendorTaskTag()
    {
        uint tag = Interlocked.Increment(ref _nextVendorTaskTag);
        return tag == ReservedTag.Value ? Interlocked.Increment(ref _nextVendorTaskTag) : tag;
    }
}
