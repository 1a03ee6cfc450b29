using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Scsi.Server;
using StateSave.Target.Tasks;

namespace StateSave.Target.Connections;

internal sealed partial class TargetConnection
{
    private (uint ExpCmdSN, uint MaxCmdSN) _loginWindow;

    /// <summary>Takes the send lock; the batch writes PDUs and flushes once when disposed.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<SendBatch> BeginBatchAsync(CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new SendBatch(this);
    }

    /// <summary>Writes one PDU with the current sequence numbers. Only under the send lock.</summary>
    internal void WriteLocked<TPdu>(ref TPdu pdu, bool advanceStatSN)
        where TPdu : struct, IIscsiPdu<TPdu>, ITargetSequencedPdu
    {
        Sequence(ref pdu);
        IscsiPduWriter.Write(_transport.Output, pdu, _sendDigests);
        if (advanceStatSN)
        {
            _statSN++;
        }
    }

    /// <summary>Writes one PDU whose data segment <paramref name="source"/> copies in place. Only under the send lock.</summary>
    internal void WriteInPlaceLocked<TPdu>(ref TPdu pdu, bool advanceStatSN, IDataInSource source, long sourceOffset, int dataLength)
        where TPdu : struct, IIscsiPdu<TPdu>, ITargetSequencedPdu
    {
        Sequence(ref pdu);
        IscsiPduWriter.WriteInPlace(_transport.Output, pdu, source, sourceOffset, dataLength, _sendDigests);
        if (advanceStatSN)
        {
            _statSN++; // only once the PDU is written: a source that throws leaves nothing behind
        }
    }

    /// <summary>The current StatSN, ExpCmdSN and MaxCmdSN into <paramref name="pdu"/> (StatSN advances once it is written).</summary>
    private void Sequence<TPdu>(ref TPdu pdu)
        where TPdu : struct, ITargetSequencedPdu
    {
        (uint expCmdSN, uint maxCmdSN) = Session?.Window ?? _loginWindow;
        pdu.StatSN = _statSN;
        pdu.ExpCmdSN = expCmdSN;
        pdu.MaxCmdSN = maxCmdSN;
    }

    internal void WriteUnsequencedLocked<TPdu>(ref TPdu pdu)
        where TPdu : struct, IIscsiPdu<TPdu> =>
        IscsiPduWriter.Write(_transport.Output, pdu, _sendDigests);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    internal async ValueTask EndBatchAsync()
    {
        try
        {
            FlushResult flushed = await _transport.Output.FlushAsync(_closing.Token).ConfigureAwait(false);
            if (flushed.IsCompleted || flushed.IsCanceled)
            {
                Close("the initiator stopped reading");
            }
        }
        catch (Exception error) when (error is IOException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
        {
            Close($"sending failed: {error.Message}");
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Sends one PDU with its own flush.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync<TPdu>(TPdu pdu, bool advanceStatSN)
        where TPdu : struct, IIscsiPdu<TPdu>, ITargetSequencedPdu
    {
        SendBatch batch = await BeginBatchAsync().ConfigureAwait(false);
        try
        {
            batch.Write(ref pdu, advanceStatSN);
        }
        finally
        {
            await batch.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends an R2T for one solicited Data-Out sequence (RFC 7143 §11.8).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendR2TAsync(TargetTask task, R2TSequence sequence, CancellationToken cancellationToken)
    {
        var r2t = new ReadyToTransferPdu
        {
            Lun = task.RawLun,
            InitiatorTaskTag = task.InitiatorTaskTag,
            TargetTransferTag = sequence.TargetTransferTag,
            R2TSN = sequence.R2TSN,
            BufferOffset = sequence.BufferOffset,
            DesiredDataTransferLength = sequence.DesiredDataTransferLength,
        };
        SendBatch batch = await BeginBatchAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            batch.Write(ref r2t, advanceStatSN: false);
        }
        finally
        {
            await batch.DisposeAsync().ConfigureAwait(false);
        }
    }
}
