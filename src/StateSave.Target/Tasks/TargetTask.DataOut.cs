using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Scsi;

namespace StateSave.Target.Tasks;

internal sealed partial class TargetTask : IValueTaskSource<bool>
{
    private readonly Lock _dataOutSync = new();
    private readonly Queue<(byte[] Array, int Count)> _queued = new();
    private int _frontConsumed;   // bytes of the first queued chunk already handed out
    private readonly List<R2TSequence> _r2ts = [];  // outstanding from _r2tHead on; cleared when all are done
    private int _r2tHead;
    private R2TSequence[] _r2tsToSend = new R2TSequence[1];
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

    // The device server's destination while it waits in ReceiveDataOutAsync: arriving Data-Out is copied straight
    // into it (no staging buffer), and the wait completes when it is full.
    private Memory<byte> _destination;
    private int _destinationFilled;
    private bool _waiting;
    private bool _burstEnded;     // a Data-Out sequence just ended: a waiter may have to send the next R2T
    private ManualResetValueTaskSourceCore<bool> _dataArrived = new() { RunContinuationsAsynchronously = false };

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
    /// <param name="generation">The task's generation when the read loop looked it up: a command that has ended meanwhile takes nothing.</param>
    /// <param name="pdu">The Data-Out PDU.</param>
    public DataOutError? AcceptDataOut(int generation, in ScsiDataOutPdu pdu)
    {
        DataOutError? error;
        lock (_dataOutSync)
        {
            if (generation != Generation)
            {
                return null;
            }

            if (DataOutFailure is not null)
            {
                return null; // already failed: the rest of the data is discarded
            }

            error = CheckDataOut(pdu);
            if (error is not null)
            {
                DataOutFailure = error;
            }
            else
            {
                bool full = Place(pdu.DataSegment);
                bool solicitMore = _burstEnded && _waiting;
                _burstEnded = false;
                if (!full && !solicitMore)
                {
                    return null;
                }

                // Full, or a burst ended while more is wanted: the waiter solicits the next one with an R2T.
                _waiting = false;
            }
        }

        if (error is not null)
        {
            Abort(generation, markAborted: false); // ends the device server's wait; the status reports the error
            return error;
        }

        // Outside the lock: the device server's continuation may run inline from here.
        _dataArrived.SetResult(true);
        return null;
    }

    /// <summary>Copies data into the waiting destination, queueing what does not fit; true when the destination is now full.</summary>
    private bool Place(in ReadOnlySequence<byte> data)
    {
        if (!_waiting)
        {
            Enqueue(data);
            return false;
        }

        int room = _destination.Length - _destinationFilled;
        int direct = (int)Math.Min(room, data.Length);
        data.Slice(0, direct).CopyTo(_destination.Span[_destinationFilled..]);
        _destinationFilled += direct;
        _delivered += (uint)direct;
        if (direct < data.Length)
        {
            Enqueue(data.Slice(direct));
        }

        return _destinationFilled == _destination.Length;
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
                _burstEnded = true;
            }

            return null;
        }

        Span<R2TSequence> outstanding = CollectionsMarshal.AsSpan(_r2ts)[_r2tHead..];
        if (outstanding.IsEmpty || outstanding[0].TargetTransferTag != pdu.TargetTransferTag)
        {
            return Error(AdditionalSenseCode.InvalidTargetPortTransferTagReceived, $"Data-Out with TTT 0x{pdu.TargetTransferTag:x8} that no outstanding R2T carries");
        }

        ref R2TSequence sequence = ref outstanding[0];
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

            _burstEnded = true;
            if (++_r2tHead == _r2ts.Count)
            {
                _r2ts.Clear();
                _r2tHead = 0;
            }
        }
        else if (pdu.Final)
        {
            return Error(AdditionalSenseCode.WriteErrorNotEnoughUnsolicitedData, $"F=1 before the end of R2T {sequence.R2TSN}");
        }

        return null;
    }

    private static DataOutError Error(AdditionalSenseCode code, string detail) => new(SenseData.AbortedCommand(code), detail);

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
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
            int solicit;
            short version;
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
                _destination = destination.Slice(filled, (int)want);
                _destinationFilled = 0;
                _waiting = true;
                _dataArrived.Reset();
                version = _dataArrived.Version;
            }

            for (int i = 0; i < solicit; i++)
            {
                await _connection.SendR2TAsync(this, _r2tsToSend[i], token).ConfigureAwait(false);
            }

            using (token.UnsafeRegister(static state => ((TargetTask)state!).CancelDataWait(), this))
            {
                await new ValueTask<bool>(this, version).ConfigureAwait(false);
            }

            lock (_dataOutSync)
            {
                filled += _destinationFilled;
                _destination = default;
                _destinationFilled = 0;
            }
        }
    }

    /// <summary>The wait for Data-Out was cancelled (abort, a protocol error, the connection ending).</summary>
    private void CancelDataWait()
    {
        lock (_dataOutSync)
        {
            if (!_waiting)
            {
                return;
            }

            _waiting = false;
        }

        // On the thread pool: the canceller (task management, the read loop) must not run the command's rest inline.
        ThreadPool.UnsafeQueueUserWorkItem(static task => task._dataArrived.SetException(new OperationCanceledException(task.Aborted)), this, preferLocal: false);
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _dataArrived.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _dataArrived.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _dataArrived.OnCompleted(continuation, state, token, flags);

    /// <summary>
    /// Plans the R2Ts that solicit data up to <paramref name="end"/> (within MaxOutstandingR2T) into
    /// <see cref="_r2tsToSend"/>; returns how many to send.
    /// </summary>
    private int PlanR2Ts(uint end)
    {
        if (!_unsolicitedComplete)
        {
            return 0; // the unsolicited burst comes first
        }

        int planned = 0;
        uint maxBurst = (uint)_connection.Parameters.MaxBurstLength;
        int maxOutstanding = _connection.Parameters.MaxOutstandingR2T;
        while (_solicitedEnd < end && _r2ts.Count - _r2tHead < maxOutstanding)
        {
            uint length = Math.Min(maxBurst, end - _solicitedEnd);
            var sequence = new R2TSequence(_connection.NextTargetTransferTag(), _r2tSN++, _solicitedEnd, length);
            _r2ts.Add(sequence);
            _solicitedEnd += length;
            if (planned == _r2tsToSend.Length)
            {
                Array.Resize(ref _r2tsToSend, planned * 2);
            }

            _r2tsToSend[planned++] = sequence;
        }

        return planned;
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

    private void ResetDataOut()
    {
        lock (_dataOutSync)
        {
            _frontConsumed = 0;
            _r2ts.Clear();
            _r2tHead = 0;
            _dataOutRequested = 0;
            _received = 0;
            _delivered = 0;
            _unsolicitedLimit = 0;
            _unsolicitedComplete = true;
            _unsolicitedDataSN = 0;
            _solicitedEnd = 0;
            _r2tSN = 0;
            _destination = default;
            _destinationFilled = 0;
            _waiting = false;
            _burstEnded = false;
            DataOutFailure = null;
        }
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
