using StateSave.Iscsi.InBand;
using StateSave.Iscsi.Protocol;
using StateSave.Scsi;

namespace StateSave.Target.InBand;

/// <summary>
/// One outstanding State Save Request on a connection: checks each State Save Data PDU of the answer against the
/// request (specs/in-band-state-save.md §4.4) and hands the data to the sink.
/// </summary>
internal sealed class InBandExchange(uint vendorTaskTag, StateSaveRequest request, IStateSaveDataSink? sink)
{
    private readonly TaskCompletionSource<StateSaveAnswer> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private uint _expectedDataSN;
    private long _received;

    public uint VendorTaskTag { get; } = vendorTaskTag;

    public Task<StateSaveAnswer> Answer => _answer.Task;

    /// <summary>Checks and delivers one PDU; true when the exchange has ended (answered or failed).</summary>
    public async ValueTask<bool> AcceptAsync(StateSaveDataPdu data, CancellationToken cancellationToken)
    {
        string? violation = Check(data);
        if (violation is not null)
        {
            Fail(new StateSaveProtocolException($"State Save Data for VTT 0x{VendorTaskTag:x8}: {violation}"));
            return true;
        }

        _expectedDataSN++;
        bool withSense = data.StatusPresent && data.Status != ScsiStatus.Good;
        if (!withSense && data.DataSegment.Length > 0)
        {
            ulong offset = request.BufferOffset + (ulong)_received;
            _received += data.DataSegment.Length;
            if (sink is not null)
            {
                try
                {
                    await sink.WriteAsync(offset, data.DataSegment, cancellationToken).ConfigureAwait(false);
                }
#pragma warning disable CA1031 // The sink's failure ends this exchange only, never the connection.
                catch (Exception error)
#pragma warning restore CA1031
                {
                    Fail(error);
                    return true;
                }
            }
        }

        if (!data.Final)
        {
            return false;
        }

        SenseData? sense = null;
        if (withSense)
        {
            if (!SenseSegment.TryDecode(data.DataSegment, out SenseData decoded))
            {
                Fail(new StateSaveProtocolException($"State Save Data for VTT 0x{VendorTaskTag:x8}: CHECK CONDITION without decodable sense data"));
                return true;
            }

            sense = decoded;
        }

        _answer.TrySetResult(new StateSaveAnswer(data.Status, sense, _received, data.ResidualCount));
        return true;
    }

    public void Fail(Exception error) => _answer.TrySetException(error);

    private string? Check(StateSaveDataPdu data)
    {
        if (data.DataSN != _expectedDataSN)
        {
            return $"DataSN {data.DataSN}, expected {_expectedDataSN}";
        }

        bool withSense = data.StatusPresent && data.Status != ScsiStatus.Good;
        if (withSense)
        {
            return data.Status == ScsiStatus.CheckCondition ? null : $"status {data.Status} is neither GOOD nor CHECK CONDITION";
        }

        if (data.DataSegment.Length == 0)
        {
            return null;
        }

        ulong expectedOffset = request.BufferOffset + (ulong)_received;
        if (data.BufferOffset != expectedOffset)
        {
            return $"buffer offset {data.BufferOffset}, expected {expectedOffset}";
        }

        return _received + data.DataSegment.Length > request.AllocationLength
            ? $"{_received + data.DataSegment.Length} bytes, more than the allocation length {request.AllocationLength}"
            : null;
    }
}
