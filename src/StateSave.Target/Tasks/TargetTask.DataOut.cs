using System.Buffers;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Scsi;

namespace StateSave.Target.Tasks;

internal sealed partial class TargetTask
{
    private readonly Lock _dataOutSync = new();
    private readonly Queue<(byte[] Array, int Count)> _queued = new();
    private int _frontConsumed;   // bytes of the first queued chunk already handed out
    private readonly Queue<R2TSequence> _r2ts = new();
    private long _dataOutRequested;
    private uint _received;       // the next buffer offset expected on the wire

    /// <summary>Data-Out bytes received so far.</summary>
    internal uint DataOutBytes => _received;
    private uint _delivered;      // bytes handed to the device server
    private uint _unsolicitedLimit;
    private bool _unsolicitedComplete = true;
    private uint _unsolicitedDataSN;
    private uint _solicitedEnd;
    private uint _r2tSN;
    private TaskCompletionSource? _dataArrived;

    /// <summary>Set when the Data-Out broke the protocol; the command ends with this sense.</summary>
    public DataOutError? DataOutFailure { get; private set; }

    /// <summary>Bytes of Data-Out the device server asked for (for the residual).</summary>
    public long DataOutRequested => _dataOutRequested;

    /// <summary>Bytes of Data-In the device server asked to send (for the residual).</summary>
    public long DataInRequested => _dataInRequested;

    /// <summary>
    /// Takes the immediate data of the SCSI Command PDU and sets up the unsolicited burst (RFC 7143 §4.2.5.2):
    /// with InitialR2T=No and F=0 the initiator follows with unsolicited Data-Out up to FirstBurstLength.
    /// </summary>
    public DataOutError? AcceptImmediateData(in ScsiCommandPdu command, bool initialR2T, int firstBurstLength)
    {
        int immediate = (int)command.DataSegment.Length;
        uint firstBurst = (uint)Math.Min(firstBurstLength, ExpectedDataOutLength);
        if (immediate > 0 && Direction is not (Scsi.Server.ScsiDataDirection.ToDevice or Scsi.Server.ScsiDataDirection.Bidirectional))
        {
            return new DataOutError(SenseData.AbortedCommand(AdditionalSenseCode.WriteErrorUnexpectedUnsolicitedData),
                "immediate data on a command without the W bit");
        }

        if (immediate > firstBurst)
        {
            return new DataOutError(SenseData.AbortedCommand(AdditionalSenseCode.WriteErrorUnexpectedUnsolicitedData),
                $"{immediate} bytes of immediate data exceed min(FirstBurstLength, EDTL) = {firstBurst}");
        }

        _unsolicitedLimit = firstBurst;
        _unsolicitedComplete = command.Final || initialR2T;
        if (!command.Final && initialR2T)
        {
            return new DataOutError(SenseData.AbortedCommand(AdditionalSenseCode.WriteErrorUnexpectedUnsolicitedData),
                "F=0 on the command announces unsolicited Data-Out but InitialR2T=Yes");
        }

        if (immediate > 0)
        {
            Enqueue(command.DataSegment);
            _received = (uint)immediate;
        }

        _solicitedEnd = _received;
        return null;
    }

    /// <summary>Takes one Data-Out PDU (read loop). Returns the error that ends the command, or null.</summary>
    public DataOutError? AcceptDataOut(in ScsiDataOutPdu pdu)
    {
        lock (_dataOutSync)
        {
            if (DataOutFailure is not null)
            {
                return null; // already failed: the rest of the data is discarded
            }

            DataOutError? error = CheckDataOut(pdu);
            if (error is not null)
            {
                DataOutFailure = error;
                _cancellation.Cancel();
                return error;
            }

            Enqueue(pdu.DataSegment);
            Signal();
            return null;
        }
    }

    private DataOutError? CheckDataOut(in ScsiDataOutPdu pdu)
    {
        uint length = (uint)pdu.DataSegment.Length;
        if (pdu.BufferOffset != _received)
        {
            return Error(AdditionalSenseCode.DataOffsetError, $"Data-Out at offset {pdu.BufferOffset}, expected {_received} (DataPDUInOrder=Yes)");
        }

        if (pdu.TargetTransferTag == ReservedTag.Value)
        {
            if (_unsolicitedComplete)
            {
                return new DataOutError(SenseData.AbortedCommand(AdditionalSenseCode.WriteErrorUnexpectedUnsolicitedData),
                    "unsolicited Data-Out after the unsolicited burst ended");
            }

            if (pdu.DataSN != _unsolicitedDataSN)
            {
                return Error(AdditionalSenseCode.DataPhaseError, $"unsolicited Data-Out DataSN {pdu.DataSN}, expected {_unsolicitedDataSN}");
            }

            if (_received + length > _unsolicitedLimit)
            {
                return new DataOutError(SenseData.AbortedCommand(AdditionalSenseCode.WriteErrorUnexpectedUnsolicitedData),
                    $"unsolicited data beyond min(FirstBurstLength, EDTL) = {_unsolicitedLimit}");
            }

            _unsolicitedDataSN++;
            _received += length;
            if (pdu.Final || _received == _unsolicitedLimit)
            {
                _unsolicitedComplete = true;
                _solicitedEnd = _received;
            }

            return null;
        }

        if (!_r2ts.TryPeek(out R2TSequence? sequence) || sequence.TargetTransferTag != pdu.TargetTransferTag)
        {
            return Error(AdditionalSenseCode.InvalidTargetPortTransferTagReceived, $"Data-Out with TTT 0x{pdu.TargetTransferTag:x8} that no outstanding R2T carries");
        }

        if (pdu.DataSN != sequence.NextDataSN)
        {
            return Error(AdditionalSenseCode.DataPhaseError, $"Data-Out DataSN {pdu.DataSN}, expected {sequence.NextDataSN} in R2T {sequence.R2TSN}");
        }

        if (_received + length > sequence.End)
        {
            return Error(AdditionalSenseCode.TooMuchWriteData, $"Data-Out beyond the {sequence.DesiredDataTransferLength} bytes R2T {sequence.R2TSN} asked for");
        }

        sequence.NextDataSN++;
        _received += length;
        if (_received == sequence.End)
        {
            if (!pdu.Final)
            {
                return Error(AdditionalSenseCode.DataPhaseError, $"the last Data-Out of R2T {sequence.R2TSN} has F=0");
            }

            _r2ts.Dequeue();
        }
        else if (pdu.Final)
        {
            return Error(AdditionalSenseCode.WriteErrorNotEnoughUnsolicitedData, $"F=1 before the end of R2T {sequence.R2TSN}");
        }

        return null;
    }

    private static DataOutError Error(AdditionalSenseCode code, string detail) => new(SenseData.AbortedCommand(code), detail);

    /// <inheritdoc />
    public async ValueTask<int> ReceiveDataOutAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        int filled = 0;
        lock (_dataOutSync)
        {
            _dataOutRequested += destination.Length;
        }

        // Device servers usually pass Aborted itself: link only a different token (no allocation per call).
        using CancellationTokenSource? linked = cancellationToken.CanBeCanceled && cancellationToken != Aborted
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, Aborted) : null;
        CancellationToken token = linked?.Token ?? Aborted;
        while (true)
        {
            List<R2TSequence>? solicit;
            Task arrived;
            lock (_dataOutSync)
            {
                token.ThrowIfCancellationRequested();
                filled += Drain(destination.Span[filled..]);
                uint want = (uint)Math.Min(destination.Length - filled, ExpectedDataOutLength - _delivered);
                if (want == 0)
                {
                    return filled;
                }

                solicit = PlanR2Ts(_delivered + want);
                _dataArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                arrived = _dataArrived.Task;
            }

            if (solicit is not null)
            {
                foreach (R2TSequence sequence in solicit)
                {
                    await _connection.SendR2TAsync(this, sequence, token).ConfigureAwait(false);
                }
            }

            await arrived.WaitAsync(token).ConfigureAwait(false);
        }
    }

    /// <summary>R2Ts to send so that data up to <paramref name="end"/> is solicited (within MaxOutstandingR2T).</summary>
    private List<R2TSequence>? PlanR2Ts(uint end)
    {
        if (!_unsolicitedComplete)
        {
            return null; // the unsolicited burst comes first
        }

        List<R2TSequence>? plan = null;
        uint maxBurst = (uint)_connection.Parameters.MaxBurstLength;
        int maxOutstanding = _connection.Parameters.MaxOutstandingR2T;
        while (_solicitedEnd < end && _r2ts.Count < maxOutstanding)
        {
            uint length = Math.Min(maxBurst, end - _solicitedEnd);
            var sequence = new R2TSequence(_connection.NextTargetTransferTag(), _r2tSN++, _solicitedEnd, length);
            _r2ts.Enqueue(sequence);
            _solicitedEnd += length;
            (plan ??= []).Add(sequence);
        }

        return plan;
    }

    private void Enqueue(in ReadOnlySequence<byte> data)
    {
        int length = (int)data.Length;
        if (length == 0)
        {
            return;
        }

        byte[] array = Rent(length);
        data.CopyTo(array);
        _queued.Enqueue((array, length));
    }

    private int Drain(Span<byte> destination)
    {
        int copied = 0;
        while (copied < destination.Length && _queued.TryPeek(out (byte[] Array, int Count) chunk))
        {
            int take = Math.Min(chunk.Count - _frontConsumed, destination.Length - copied);
            chunk.Array.AsSpan(_frontConsumed, take).CopyTo(destination[copied..]);
            copied += take;
            _frontConsumed += take;
            if (_frontConsumed == chunk.Count)
            {
                _queued.Dequeue();
                Return(chunk.Array);
                _frontConsumed = 0;
            }
        }

        _delivered += (uint)copied;
        return copied;
    }

    private void Signal()
    {
        TaskCompletionSource? waiter = _dataArrived;
        _dataArrived = null;
        waiter?.TrySetResult();
    }

    private void ReleaseDataOutBuffers()
    {
        lock (_dataOutSync)
        {
            while (_queued.TryDequeue(out (byte[] Array, int Count) chunk))
            {
                Return(chunk.Array);
            }
        }
    }
}
