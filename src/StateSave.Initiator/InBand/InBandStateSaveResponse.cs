using System.Buffers;
using StateSave.Initiator.Sessions;
using StateSave.Iscsi.InBand;
using StateSave.Iscsi.Protocol;
using StateSave.Scsi;

namespace StateSave.Initiator.InBand;

/// <summary>
/// The answer to one State Save Request (specs/in-band-state-save.md §2.2): buffer data split into State Save Data
/// PDUs no larger than the target's MaxRecvDataSegmentLength, consecutive offsets and DataSNs, then one final PDU with
/// the status. Never sends more than <see cref="AllocationLength"/> bytes.
/// </summary>
public sealed class InBandStateSaveResponse
{
    private readonly IscsiSession _session;
    private readonly InBandStateSaveRequest _request;
    private uint _dataSN;
    private ulong _offset;
    private long _sent;
    private bool _completed;

    /// <param name="session">The session the request came on.</param>
    /// <param name="request">The request answered.</param>
    /// <param name="bufferOffset">Where the data starts in the buffer (the READ BUFFER's BUFFER OFFSET).</param>
    /// <param name="allocationLength">The most bytes the request allows.</param>
    public InBandStateSaveResponse(IscsiSession session, InBandStateSaveRequest request, ulong bufferOffset = 0, uint allocationLength = 0)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        _session = session;
        _request = request;
        _offset = bufferOffset;
        AllocationLength = allocationLength;
    }

    public uint AllocationLength { get; }

    /// <summary>Bytes sent so far.</summary>
    public long BytesSent => _sent;

    /// <summary>Sends buffer data (split as needed); throws when it would exceed <see cref="AllocationLength"/>.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_sent + data.Length > AllocationLength)
        {
            throw new ArgumentException($"The answer would carry {_sent + data.Length} bytes, over the allocation length {AllocationLength}.", nameof(data));
        }

        int segment = Math.Max(512, _session.Parameters.TargetMaxRecvDataSegmentLength);
        while (!data.IsEmpty)
        {
            ReadOnlyMemory<byte> chunk = data[..Math.Min(segment, data.Length)];
            await SendAsync(new StateSaveDataPdu { DataSegment = new ReadOnlySequence<byte>(chunk) }, cancellationToken).ConfigureAwait(false);
            _offset += (ulong)chunk.Length;
            _sent += chunk.Length;
            data = data[chunk.Length..];
        }
    }

    /// <summary>Ends the answer with GOOD; the residual is the allocation length minus what was sent.</summary>
    public ValueTask CompleteAsync(CancellationToken cancellationToken = default) =>
        FinishAsync(ScsiStatus.Good, ReadOnlyMemory<byte>.Empty, cancellationToken);

    /// <summary>Ends the answer with CHECK CONDITION and <paramref name="sense"/>.</summary>
    public ValueTask FailAsync(SenseData sense, CancellationToken cancellationToken = default) =>
        FinishAsync(ScsiStatus.CheckCondition, SenseSegment.ToArray(sense), cancellationToken);

    private async ValueTask FinishAsync(ScsiStatus status, ReadOnlyMemory<byte> segment, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        await SendAsync(new StateSaveDataPdu
        {
            Final = true,
            StatusPresent = true,
            Status = status,
            ResidualCount = (uint)Math.Max(0, AllocationLength - _sent),
            DataSegment = new ReadOnlySequence<byte>(segment),
        }, cancellationToken).ConfigureAwait(false);
    }

    private Task SendAsync(StateSaveDataPdu pdu, CancellationToken cancellationToken)
    {
        pdu.Lun = _request.Lun;
        pdu.VendorTaskTag = _request.VendorTaskTag;
        pdu.DataSN = _dataSN++;
        pdu.BufferOffset = pdu.StatusPresent && pdu.DataSegment.IsEmpty ? 0 : _offset;
        return _session.SendStateSaveDataAsync(pdu, cancellationToken);
    }
}
