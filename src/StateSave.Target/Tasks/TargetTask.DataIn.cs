using System.Buffers;
using System.Runtime.CompilerServices;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Target.Connections;

namespace StateSave.Target.Tasks;

internal sealed partial class TargetTask
{
    private long _dataInRequested;
    private uint _dataInOffset;

    /// <summary>Data-In bytes sent so far.</summary>
    internal uint DataInBytes => _dataInOffset;
    private uint _dataSN;
    private bool _statusSent;
    private byte[]? _held;
    private int _heldLength;
    private uint _heldOffset;

    /// <summary>The DataSN the next Data-In of this task carries (ExpDataSN in the SCSI Response).</summary>
    public uint NextDataSN => _dataSN;

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendDataInAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        _dataInRequested += data.Length;
        uint room = ExpectedDataInLength - _dataInOffset;
        if ((uint)data.Length > room)
        {
            data = data[..(int)room]; // the excess is the residual overflow
        }

        if (data.IsEmpty)
        {
            return;
        }

        Aborted.ThrowIfCancellationRequested();
        int maxSegment = _connection.MaxSendDataSegmentLength;
        uint maxBurst = (uint)_connection.Parameters.MaxBurstLength;
        SendBatch batch = await _connection.BeginBatchAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_held is not null)
            {
                WriteHeld(ref batch, final: (_heldOffset + (uint)_heldLength) % maxBurst == 0, status: null);
            }

            while (!data.IsEmpty)
            {
                uint offset = _dataInOffset;
                int burstRoom = (int)(maxBurst - (offset % maxBurst));
                int length = Math.Min(data.Length, Math.Min(maxSegment, burstRoom));
                _dataInOffset += (uint)length;
                if (length == data.Length)
                {
                    // The last segment waits: it may carry the status once the device server returns.
                    _held = Rent(length);
                    _heldLength = length;
                    _heldOffset = offset;
                    data.Span.CopyTo(_held);
                    break;
                }

                var pdu = DataInPdu(data[..length], offset, final: length == burstRoom);
                batch.Write(ref pdu, advanceStatSN: false);
                data = data[length..];
            }
        }
        finally
        {
            await batch.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendDataInAsync(IDataInSource source, long sourceOffset, int length, bool completesWithGood, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _dataInRequested += length;
        int sendable = (int)Math.Min((uint)length, ExpectedDataInLength - _dataInOffset);
        if (sendable == 0)
        {
            return;
        }

        Aborted.ThrowIfCancellationRequested();
        int maxSegment = _connection.MaxSendDataSegmentLength;
        uint maxBurst = (uint)_connection.Parameters.MaxBurstLength;
        bool collapse = completesWithGood && Direction == ScsiDataDirection.FromDevice && DataOutFailure is null;
        SendBatch batch = await _connection.BeginBatchAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_held is not null)
            {
                WriteHeld(ref batch, final: (_heldOffset + (uint)_heldLength) % maxBurst == 0, status: null);
            }

            while (sendable > 0)
            {
                uint offset = _dataInOffset;
                int burstRoom = (int)(maxBurst - (offset % maxBurst));
                int segment = Math.Min(sendable, Math.Min(maxSegment, burstRoom));
                bool last = segment == sendable;
                var pdu = DataInPdu(default, offset, final: segment == burstRoom || last);
                if (last && collapse)
                {
                    // The device server returns GOOD next: the status rides on this PDU (RFC 7143 §11.7.4).
                    (bool over, bool under, uint count) = ResponseFields.Residual(_dataInRequested, ExpectedDataInLength);
                    CarryStatus(ref pdu, new ResponseFields(ScsiStatus.Good, over, under, count));
                }

                try
                {
                    batch.WriteInPlace(ref pdu, advanceStatSN: pdu.HasStatus, source, sourceOffset, segment);
                }
                catch
                {
                    _dataSN--; // the source failed: the PDU was not written, its DataSN is still free
                    throw;
                }

                _statusSent |= pdu.HasStatus;
                _dataInOffset += (uint)segment;
                sourceOffset += segment;
                sendable -= segment;
            }
        }
        finally
        {
            await batch.DisposeAsync().ConfigureAwait(false);
        }
    }

    private ScsiDataInPdu DataInPdu(ReadOnlyMemory<byte> segment, uint offset, bool final) => new()
    {
        Final = final,
        Lun = RawLun,
        InitiatorTaskTag = InitiatorTaskTag,
        TargetTransferTag = ReservedTag.Value,
        DataSN = _dataSN++,
        BufferOffset = offset,
        DataSegment = new ReadOnlySequence<byte>(segment),
    };

    /// <summary>Sends the held-back segment, with the status when <paramref name="status"/> is given (phase collapse).</summary>
    private void WriteHeld(ref SendBatch batch, bool final, in ResponseFields? status)
    {
        ScsiDataInPdu pdu = DataInPdu(_held.AsMemory(0, _heldLength), _heldOffset, final || status is not null);
        if (status is { } s)
        {
            CarryStatus(ref pdu, s);
        }

        batch.Write(ref pdu, advanceStatSN: status is not null);
        ReleaseHeldDataIn();
    }

    /// <summary>Makes <paramref name="pdu"/> the command's last: S bit, status and residuals (RFC 7143 §11.7.4).</summary>
    private static void CarryStatus(ref ScsiDataInPdu pdu, in ResponseFields status)
    {
        pdu.HasStatus = true;
        pdu.Status = status.Status;
        pdu.ResidualOverflow = status.Overflow;
        pdu.ResidualUnderflow = status.Underflow;
        pdu.ResidualCount = status.ResidualCount;
    }

    private void ResetDataIn()
    {
        _dataInRequested = 0;
        _dataInOffset = 0;
        _dataSN = 0;
        _statusSent = false;
    }

    private void ReleaseHeldDataIn()
    {
        if (_held is { } held)
        {
            _held = null;
            Return(held);
        }
    }
}
