using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using StateSave.Iscsi.Logging;

namespace StateSave.Iscsi.Transport.Internal;

/// <summary>
/// The pipe plumbing every transport shares: a receive loop filling the input pipe, a send loop draining the output
/// pipe, and the close/abort/end-reason rules. A transport supplies only the byte-moving primitives, so the socket and
/// in-memory transports behave alike by construction.
/// </summary>
/// <remarks>
/// Ownership: the receive loop alone writes to and completes the input pipe's writer; the send loop alone reads and
/// completes the output pipe's reader. Teardown from other threads only cancels <see cref="_stopping"/> and calls
/// <see cref="Close"/>; the loops notice and complete their own pipe ends, so no pipe end is ever completed under a
/// pending operation.
/// </remarks>
internal abstract class DuplexPipeConnection : IIscsiTransportConnection
{
    private static long s_nextId;

    private readonly Pipe _input;
    private readonly Pipe _output;

    // Never disposed on purpose: it has no timer or linked registrations, and Abort may call Cancel at any time,
    // even after the connection has closed.
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<ConnectionEnd> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeSpan _drainTimeout;
    private readonly int _receiveSizeHint;
    private ConnectionEnd? _end;
    private int _stopped;
    private int _disposing;
    private Task? _sendLoop;
    private Task? _run;

    protected DuplexPipeConnection(string idPrefix, TransportOptions options, EndPoint? localEndPoint, EndPoint? remoteEndPoint)
    {
        ConnectionId = $"{idPrefix}-{Interlocked.Increment(ref s_nextId)}";
        LocalEndPoint = localEndPoint;
        RemoteEndPoint = remoteEndPoint;
        Logger = options.CreateLogger();
        _drainTimeout = options.DrainTimeout;
        _receiveSizeHint = options.MinimumSegmentSize;
        _input = new Pipe(PipeSizing.CreateInputPipeOptions(options));
        _output = new Pipe(PipeSizing.CreateOutputPipeOptions(options));
    }

    public string ConnectionId { get; }

    public EndPoint? LocalEndPoint { get; }

    public EndPoint? RemoteEndPoint { get; }

    public PipeReader Input => _input.Reader;

    public PipeWriter Output => _output.Writer;

    public ConnectionEnd? End => Volatile.Read(ref _end);

    public Task<ConnectionEnd> Closed => _closed.Task;

    internal ILogger Logger { get; }

    /// <summary>Starts both loops. Called once by the factory, after the derived constructor has run.</summary>
    internal void Start()
    {
        Task receiveLoop = ReceiveLoopAsync();
        _sendLoop = SendLoopAsync();
        _run = RunAsync(receiveLoop, _sendLoop);
    }

    public void Abort(string reason, Exception? exception = null)
    {
        if (RecordEnd(new ConnectionEnd(ConnectionEndReason.Aborted, reason, exception)))
        {
            TransportLog.ConnectionAborted(Logger, ConnectionId, reason ?? string.Empty, exception);
        }

        Stop(abortive: true);
    }

    public ValueTask DisposeAsync()
    {
        // The first caller runs the close; every caller (concurrent or later) waits for the connection to be closed.
        if (Interlocked.Exchange(ref _disposing, 1) == 0)
        {
            return new ValueTask(DisposeCoreAsync());
        }

        return new ValueTask(_closed.Task);
    }

    /// <summary>Receives into <paramref name="buffer"/>; returns 0 when the peer has shut down its send side.</summary>
    protected abstract ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Sends all of <paramref name="buffer"/>. The memory belongs to the output pipe and is valid only during the call.</summary>
    protected abstract ValueTask SendAsync(ReadOnlySequence<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Shuts down the send side after the output drained (TCP FIN). Called by the send loop only.</summary>
    protected abstract void ShutdownSend();

    /// <summary>Releases the transport. Called once, from any thread, after <see cref="ReceiveAsync"/>/<see cref="SendAsync"/> were asked to stop.</summary>
    /// <param name="abortive">True when the peer must see a reset (Abort).</param>
    protected abstract void Close(bool abortive);

    /// <summary>Called by the receive loop when it has ended.</summary>
    protected virtual void OnReceiveLoopCompleted()
    {
    }

    /// <summary>Called by the send loop when it has ended; <paramref name="shutDown"/> is true after a clean <see cref="ShutdownSend"/>.</summary>
    protected virtual void OnSendLoopCompleted(bool shutDown)
    {
    }

    /// <summary>Maps a failure from <see cref="ReceiveAsync"/>/<see cref="SendAsync"/> to an end reason.</summary>
    protected virtual ConnectionEndReason ClassifyError(Exception exception) => exception switch
    {
        TransportException { EndReason: { } reason } => reason,
        _ => ConnectionEndReason.TransportError,
    };

    private bool RecordEnd(ConnectionEnd end) => Interlocked.CompareExchange(ref _end, end, null) is null;

    /// <summary>Stops both loops and releases the transport; the first call wins.</summary>
    private void Stop(bool abortive)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        Close(abortive);
    }

    private async Task RunAsync(Task receiveLoop, Task sendLoop)
    {
        try
        {
            await Task.WhenAll(receiveLoop, sendLoop).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The loops catch everything; this is a last line of defence so Closed always completes.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            RecordEnd(new ConnectionEnd(ConnectionEndReason.TransportError, "Unexpected transport failure.", ex));
        }

        // Both directions are finished: release the transport even if nobody disposes the connection.
        Stop(abortive: false);
        RecordEnd(new ConnectionEnd(ConnectionEndReason.LocalClose));
        ConnectionEnd end = End!;
        TransportLog.ConnectionClosed(Logger, ConnectionId, end.Reason, end.Message);
        _closed.TrySetResult(end);
    }

    private async Task DisposeCoreAsync()
    {
        // A graceful close: the send loop sends what is already buffered, then shuts down the send side.
        _output.Writer.Complete();
        try
        {
            await _sendLoop!.WaitAsync(_drainTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            TransportLog.DrainTimedOut(Logger, ConnectionId, _drainTimeout);
            Abort("The output did not drain before the drain timeout.");
        }

        RecordEnd(new ConnectionEnd(ConnectionEndReason.LocalClose));
        Stop(abortive: false);
        await _run!.ConfigureAwait(false);
    }

    private async Task ReceiveLoopAsync()
    {
        PipeWriter writer = _input.Writer;
        Exception? failure = null;
        try
        {
            while (true)
            {
                // Receive straight into the pipe's own memory: no intermediate buffer.
                Memory<byte> memory = writer.GetMemory(_receiveSizeHint);
                int received = await ReceiveAsync(memory, _stopping.Token).ConfigureAwait(false);
                if (received == 0)
                {
                    RecordEnd(new ConnectionEnd(ConnectionEndReason.RemoteClose, "The peer shut down its send side."));
                    break;
                }

                writer.Advance(received);

                // Back-pressure: this waits while the application is behind (thresholds: see PipeSizing).
                FlushResult flush = await writer.FlushAsync(_stopping.Token).ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    // The application completed Input: it wants no more data.
                    break;
                }
            }
        }
#pragma warning disable CA1031 // Every failure is recorded as the connection's end; none may escape as an unobserved task exception.
        catch (Exception) when (_stopping.IsCancellationRequested)
        {
            // Stopped locally (Abort, DisposeAsync, or the send loop failed): the cause is already recorded.
        }
        catch (Exception ex)
        {
            failure = Fail(ex);
        }
#pragma warning restore CA1031
        finally
        {
            writer.Complete(failure);
            OnReceiveLoopCompleted();
        }
    }

    private async Task SendLoopAsync()
    {
        PipeReader reader = _output.Reader;
        bool shutDown = false;
        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await reader.ReadAsync(_stopping.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (!_stopping.IsCancellationRequested)
                {
                    // Output.Complete(exception) by the application: treat it as the application aborting.
                    Abort("The application completed the output with an error.", ex);
                    return;
                }

                ReadOnlySequence<byte> buffer = result.Buffer;
                try
                {
                    if (!buffer.IsEmpty)
                    {
                        await SendAsync(buffer, _stopping.Token).ConfigureAwait(false);
                    }
                }
                finally
                {
                    reader.AdvanceTo(buffer.End);
                }

                if (result.IsCompleted)
                {
                    break;
                }
            }

            // Everything the application wrote has been sent: now the FIN.
            RecordEnd(new ConnectionEnd(ConnectionEndReason.LocalClose));
            ShutdownSend();
            shutDown = true;
        }
#pragma warning disable CA1031 // Every failure is recorded as the connection's end; none may escape as an unobserved task exception.
        catch (Exception) when (_stopping.IsCancellationRequested)
        {
            // Stopped locally: the cause is already recorded.
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
#pragma warning restore CA1031
        finally
        {
            reader.Complete();
            OnSendLoopCompleted(shutDown);
        }
    }

    /// <summary>Records a transport failure, stops the other loop, and returns the exception the input completes with.</summary>
    private TransportException Fail(Exception exception)
    {
        ConnectionEndReason reason = ClassifyError(exception);
        if (RecordEnd(new ConnectionEnd(reason, exception.Message, exception)))
        {
            if (exception is SocketException socketException)
            {
                TransportLog.SocketError(Logger, ConnectionId, socketException.SocketErrorCode, socketException);
            }
            else if (reason == ConnectionEndReason.TransportError)
            {
                TransportLog.TransportError(Logger, ConnectionId, reason, exception);
            }
        }

        Stop(abortive: false);
        string message = reason == ConnectionEndReason.ConnectionReset
            ? $"Connection {ConnectionId} was reset by the peer."
            : $"Connection {ConnectionId} failed.";
        return new TransportException(reason, message, exception);
    }
}
