using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Target.Connections;
using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Target.Tasks;

internal sealed partial class TargetTask
{
    /// <summary>
    /// Sends the end of the command: the held Data-In with the status when it can carry it (GOOD or
    /// CONDITION MET without sense, RFC 7143 §11.7.4), otherwise a SCSI Response with sense data and residuals.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendStatusAsync(ScsiCommandResult result, CancellationToken cancellationToken)
    {
        if (_statusSent)
        {
            // GOOD went out with the last Data-In, as the device server promised (completesWithGood).
            Debug.Assert(result.Status == ScsiStatus.Good && result.Sense is null, "a device server broke its completesWithGood promise");
            return;
        }

        bool bidirectional = Direction == ScsiDataDirection.Bidirectional;
        (bool inOver, bool inUnder, uint inCount) = ResponseFields.Residual(_dataInRequested, ExpectedDataInLength);
        (bool outOver, bool outUnder, uint outCount) = ResponseFields.Residual(_dataOutRequested, ExpectedDataOutLength);
        ResponseFields primary = Direction == ScsiDataDirection.FromDevice
            ? new(result.Status, inOver, inUnder, inCount)
            : new(result.Status, outOver, outUnder, outCount);

        bool collapse = _held is not null && result.Sense is null && !bidirectional
            && result.Status is ScsiStatus.Good or ScsiStatus.ConditionMet;
        SendBatch batch = await _connection.BeginBatchAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_held is not null)
            {
                WriteHeld(ref batch, final: true, collapse ? primary : null);
            }

            if (collapse)
            {
                return;
            }

            byte[]? senseBuffer = null;
            try
            {
                int senseLength = 0;
                if (result.Sense is { } sense)
                {
                    senseBuffer = ArrayPool<byte>.Shared.Rent(SenseSegment.SenseLengthFieldLength + SenseData.MaximumLength);
                    int written = sense.Encode(senseBuffer.AsSpan(SenseSegment.SenseLengthFieldLength));
                    senseLength = SenseSegment.Encode(senseBuffer, senseBuffer.AsSpan(SenseSegment.SenseLengthFieldLength, written));
                }

                var response = new ScsiResponsePdu
                {
                    Response = ScsiServiceResponse.CommandCompletedAtTarget,
                    Status = result.Status,
                    InitiatorTaskTag = InitiatorTaskTag,
                    ExpDataSN = _dataSN,
                    ResidualOverflow = primary.Overflow,
                    ResidualUnderflow = primary.Underflow,
                    ResidualCount = primary.ResidualCount,
                    BidirectionalReadResidualOverflow = bidirectional && inOver,
                    BidirectionalReadResidualUnderflow = bidirectional && inUnder,
                    BidirectionalReadResidualCount = bidirectional ? inCount : 0,
                    DataSegment = senseBuffer is null ? default : new ReadOnlySequence<byte>(senseBuffer, 0, senseLength),
                };
                batch.Write(ref response, advanceStatSN: true);
            }
            finally
            {
                // The batch copied the bytes into the connection's pipe.
                if (senseBuffer is not null)
                {
                    ArrayPool<byte>.Shared.Return(senseBuffer);
                }
            }
        }
        finally
        {
            await batch.DisposeAsync().ConfigureAwait(false);
        }
    }
}
