using System.Buffers;
using System.IO.Pipelines;
using StateSave.Initiator.Commands;
using StateSave.Initiator.Connections;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;

namespace StateSave.Initiator.Sessions;

/// <summary>
/// The write path: one writer at a time, chosen by combining. Whoever finds no writer active becomes it and sends
/// everything queued (control PDUs first, then Data-Out for R2Ts, then commands while the CmdSN window is open),
/// flushing once per batch; others only queue and leave. The read loop never writes: it queues and wakes the pump.
/// Writing is synchronous (encoding into the pipe); only a flush that the transport cannot take at once is awaited,
/// by the pump, so callers neither wait for nor allocate on the write path.
/// </summary>
public sealed partial class IscsiSession
{
    private const int FlushThreshold = 256 * 1024;

    private readonly Queue<DataOutWork> _pendingDataOut = new();
    private readonly AsyncSignal _pumpSignal = new();
    private Task _pump = Task.CompletedTask;
    private bool _writerActive;
    private bool _writeRequested;
    private (InitiatorConnection Connection, ValueTask<FlushResult> Flush)? _deferredFlush;

    private bool WindowOpenLocked => SerialNumber.LessOrEqual(_cmdSN, _maxCmdSN);

    /// <summary>
    /// Becomes the writer unless one is active (then only asks it to look again) and writes synchronously. A flush
    /// that cannot complete at once is handed to the pump, which stays the writer until it is done; so a caller never
    /// waits here and nothing is allocated on this path.
    /// </summary>
    private void KickWriter()
    {
        lock (_gate)
        {
            if (_writerActive)
            {
                _writeRequested = true;
                return;
            }

            _writerActive = true;
        }

        WriteAvailable(fromPump: false);
    }

    /// <summary>The pump: takes over deferred flushes and the writes the read loop queues (R2T data, ping answers).</summary>
    private async Task PumpAsync()
    {
        while (await _pumpSignal.WaitAsync().ConfigureAwait(false))
        {
            bool owner = TakeDeferredFlush(out InitiatorConnection? connection, out ValueTask<FlushResult> flush);
            if (!owner)
            {
                lock (_gate)
                {
                    if (_writerActive)
                    {
                        _writeRequested = true;
                        continue;
                    }

                    _writerActive = true;
                }
            }

            while (true)
            {
                if (owner)
                {
                    await CompleteFlushAsync(connection!, flush).ConfigureAwait(false);
                }

                if (WriteAvailable(fromPump: true))
                {
                    break;
                }

                owner = TakeDeferredFlush(out connection, out flush);
            }
        }
    }

    /// <summary>
    /// Writes everything that may be sent, flushing per batch. Returns true when done (the writer role released),
    /// false when a flush is pending and was handed to the pump (which then owns the writer role).
    /// </summary>
    private bool WriteAvailable(bool fromPump)
    {
        while (true)
        {
            InitiatorConnection? connection = null;
            bool wrote = false;
            while (TryTakeWork(out WriteWork work))
            {
                connection = work.Connection;
                try
                {
                    Write(work);
                }
                catch (Exception error) when (error is InvalidOperationException or IOException or ObjectDisposedException)
                {
                    // The transport was torn down under the writer; the connection's loss starts recovery.
                    connection.Fail($"writing failed: {error.Message}");
                    wrote = false;
                    break;
                }

                wrote = true;
                if (connection.UnflushedBytes >= FlushThreshold)
                {
                    wrote = false;
                    if (!FlushOrDefer(connection, fromPump))
                    {
                        return false;
                    }
                }
            }

            if (wrote && connection is not null && !connection.IsEnded && !FlushOrDefer(connection, fromPump))
            {
                return false;
            }

            lock (_gate)
            {
                if (!_writeRequested)
                {
                    _writerActive = false;
                    return true;
                }

                _writeRequested = false;
            }
        }
    }

    private bool FlushOrDefer(InitiatorConnection connection, bool fromPump)
    {
        ValueTask<FlushResult> flush;
        try
        {
            flush = connection.Output.FlushAsync(connection.Closing);
        }
        catch (Exception error) when (error is InvalidOperationException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            connection.Fail($"sending failed: {error.Message}");
            return true;
        }

        if (flush.IsCompleted)
        {
            InspectFlush(connection, flush);
            return true;
        }

        lock (_gate)
        {
            _deferredFlush = (connection, flush);
        }

        if (!fromPump)
        {
            _pumpSignal.Set();
        }

        return false;
    }

    private bool TakeDeferredFlush(out InitiatorConnection? connection, out ValueTask<FlushResult> flush)
    {
        lock (_gate)
        {
            if (_deferredFlush is not { } deferred)
            {
                connection = null;
                flush = default;
                return false;
            }

            _deferredFlush = null;
            (connection, flush) = deferred;
            return true;
        }
    }

    private static async ValueTask CompleteFlushAsync(InitiatorConnection connection, ValueTask<FlushResult> flush)
    {
        try
        {
            FlushResult result = await flush.ConfigureAwait(false);
            if (result.IsCompleted || result.IsCanceled)
            {
                connection.Fail("the target stopped reading");
            }
        }
        catch (Exception error) when (error is InvalidOperationException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            connection.Fail($"sending failed: {error.Message}");
        }
    }

    private static void InspectFlush(InitiatorConnection connection, ValueTask<FlushResult> flush)
    {
        try
        {
            FlushResult result = flush.GetAwaiter().GetResult();
            if (result.IsCompleted || result.IsCanceled)
            {
                connection.Fail("the target stopped reading");
            }
        }
        catch (Exception error) when (error is InvalidOperationException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            connection.Fail($"sending failed: {error.Message}");
        }
    }

    private bool TryTakeWork(out WriteWork work)
    {
        work = default;
        lock (_gate)
        {
            InitiatorConnection? connection = _connection;
            if (connection is null || connection.IsEnded || _state is SessionState.Recovering or SessionState.Closed or SessionState.Failed)
            {
                return false;
            }

            if (_pendingControl.TryPeek(out ControlOperation? operation) && (operation.Immediate || WindowOpenLocked))
            {
                _pendingControl.Dequeue();
                uint cmdSN = operation.Immediate ? _cmdSN : _cmdSN++;
                work = new WriteWork(connection, WorkKind.Control, null, operation, cmdSN, _expStatSN, default);
                return true;
            }

            while (_pendingDataOut.TryDequeue(out DataOutWork dataOut))
            {
                if (dataOut.Task is { InUse: true, Issued: true, Completed: false } task && task.InitiatorTaskTag == dataOut.InitiatorTaskTag)
                {
                    work = new WriteWork(connection, WorkKind.DataOut, task, null, 0, _expStatSN, dataOut);
                    return true;
                }
            }

            // A Renewing session lets commands in flight finish but sends no new ones.
            if (_state != SessionState.LoggedIn)
            {
                return false;
            }

            while (_pendingCommands.TryPeek(out InitiatorTask? task))
            {
                if (task.Completed)
                {
                    _pendingCommands.Dequeue(); // cancelled before it was sent
                    continue;
                }

                if (!WindowOpenLocked)
                {
                    return false; // the next PDU that opens the window wakes the pump
                }

                _pendingCommands.Dequeue();
                task.CmdSN = _cmdSN++;
                task.Issued = true;
                task.IssuedAtTimestamp = Environment.TickCount64;
                work = new WriteWork(connection, WorkKind.Command, task, null, task.CmdSN, _expStatSN, default);
                return true;
            }

            return false;
        }
    }

    private void Write(in WriteWork work)
    {
        InitiatorConnection connection = work.Connection;
        switch (work.Kind)
        {
            case WorkKind.Control:
                work.Operation!.Write(connection, work.CmdSN, work.ExpStatSN);
                break;
            case WorkKind.Command:
                WriteCommand(connection, work.Task!, work.CmdSN, work.ExpStatSN);
                break;
            case WorkKind.DataOut:
                WriteSolicitedData(connection, work.Task!, work.DataOut, work.ExpStatSN);
                break;
        }
    }

    /// <summary>
    /// The SCSI Command PDU, with immediate data (ImmediateData=Yes) and unsolicited Data-Out up to FirstBurstLength
    /// (InitialR2T=No), each data segment within the target's MaxRecvDataSegmentLength (RFC 7143 §13.11, §13.13, §13.14).
    /// </summary>
    private void WriteCommand(InitiatorConnection connection, InitiatorTask task, uint cmdSN, uint expStatSN)
    {
        int length = (int)task.ExpectedDataTransferLength;
        int immediate = 0;
        int unsolicited = 0;
        if (task.IsWrite)
        {
            int firstBurst = Math.Min(length, _parameters.FirstBurstLength);
            immediate = _parameters.ImmediateData ? Math.Min(firstBurst, connection.MaxSendDataSegmentLength) : 0;
            unsolicited = _parameters.InitialR2T ? immediate : firstBurst;
        }

        connection.Write(new ScsiCommandPdu
        {
            Immediate = false,
            Final = unsolicited == immediate,
            Read = task.IsRead,
            Write = task.IsWrite,
            Attribute = task.Attribute,
            Lun = task.Lun,
            InitiatorTaskTag = task.InitiatorTaskTag,
            ExpectedDataTransferLength = task.ExpectedDataTransferLength,
            CmdSN = cmdSN,
            ExpStatSN = expStatSN,
            Cdb = task.Cdb,
            DataSegment = immediate == 0 ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(task.DataOut[..immediate]),
        });

        if (unsolicited > immediate)
        {
            WriteDataOutSequence(connection, task, ReservedTag.Value, immediate, unsolicited - immediate, expStatSN);
        }

        Interlocked.Add(ref _counters.BytesWritten, unsolicited);
    }

    private void WriteSolicitedData(InitiatorConnection connection, InitiatorTask task, in DataOutWork work, uint expStatSN)
    {
        WriteDataOutSequence(connection, task, work.TargetTransferTag, (int)work.BufferOffset, (int)work.Length, expStatSN);
        Interlocked.Add(ref _counters.BytesWritten, work.Length);
        lock (_gate)
        {
            task.OutstandingR2T--;
        }
    }

    /// <summary>One Data-Out sequence: DataSN from 0, F on the last PDU (RFC 7143 §11.7).</summary>
    private static void WriteDataOutSequence(InitiatorConnection connection, InitiatorTask task, uint targetTransferTag, int offset, int length,
        uint expStatSN)
    {
        int segment = connection.MaxSendDataSegmentLength;
        uint dataSN = 0;
        int end = offset + length;
        while (offset < end)
        {
            int size = Math.Min(segment, end - offset);
            connection.Write(new ScsiDataOutPdu
            {
                Final = offset + size == end,
                Lun = task.Lun,
                InitiatorTaskTag = task.InitiatorTaskTag,
                TargetTransferTag = targetTransferTag,
                ExpStatSN = expStatSN,
                DataSN = dataSN++,
                BufferOffset = (uint)offset,
                DataSegment = new ReadOnlySequence<byte>(task.DataOut.Slice(offset, size)),
            });
            offset += size;
        }
    }

    private enum WorkKind : byte
    {
        Control,
        Command,
        DataOut,
    }

    private readonly record struct WriteWork(InitiatorConnection Connection, WorkKind Kind, InitiatorTask? Task, ControlOperation? Operation,
        uint CmdSN, uint ExpStatSN, DataOutWork DataOut);

    /// <summary>An R2T to answer: the window of the caller's buffer the target asked for.</summary>
    private readonly record struct DataOutWork(InitiatorTask Task, uint InitiatorTaskTag, uint TargetTransferTag, uint BufferOffset, uint Length);
}
