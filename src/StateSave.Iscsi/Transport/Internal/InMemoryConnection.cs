using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Runtime.CompilerServices;

namespace StateSave.Iscsi.Transport.Internal;

/// <summary>
/// One end of an in-memory connection. Between the two ends runs a "wire" per direction (a pipe standing in for the
/// kernel's socket buffers), so each end has its own input and output pipes and its own loops, exactly like a socket
/// connection: a FIN is the wire's writer completing, a reset is it completing with an error.
/// </summary>
/// <remarks>Copying through the wire costs one copy per byte; this transport exists for tests, where equal semantics matter more.</remarks>
internal sealed class InMemoryConnection : DuplexPipeConnection
{
    private readonly PipeReader _wireIn;
    private readonly PipeWriter _wireOut;

    private InMemoryConnection(TransportOptions options, EndPoint localEndPoint, EndPoint remoteEndPoint, PipeReader wireIn, PipeWriter wireOut)
        : base("mem", options, localEndPoint, remoteEndPoint)
    {
        _wireIn = wireIn;
        _wireOut = wireOut;
    }

    /// <summary>Creates two connected, started ends.</summary>
    public static (InMemoryConnection Client, InMemoryConnection Server) CreatePair(
        TransportOptions clientOptions, TransportOptions serverOptions, EndPoint clientEndPoint, EndPoint serverEndPoint)
    {
        // Each wire is sized like the sender's output pipe: like socket buffers, it only bounds how far the sender runs ahead.
        var toServer = new Pipe(PipeSizing.CreateOutputPipeOptions(clientOptions));
        var toClient = new Pipe(PipeSizing.CreateOutputPipeOptions(serverOptions));
        var client = new InMemoryConnection(clientOptions, clientEndPoint, serverEndPoint, toClient.Reader, toServer.Writer);
        var server = new InMemoryConnection(serverOptions, serverEndPoint, clientEndPoint, toServer.Reader, toClient.Writer);
        client.Start();
        server.Start();
        return (client, server);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))] // the loops await each call once: pooled state machines
    protected override async ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Throws the peer's reset exception when the peer aborted.
            ReadResult result = await _wireIn.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> data = result.Buffer;
            if (!data.IsEmpty)
            {
                int count = (int)Math.Min(data.Length, buffer.Length);
                data.Slice(0, count).CopyTo(buffer.Span);
                _wireIn.AdvanceTo(data.GetPosition(count));
                return count;
            }

            _wireIn.AdvanceTo(data.End);
            if (result.IsCompleted)
            {
                return 0;
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))] // the loops await each call once: pooled state machines
    protected override async ValueTask SendAsync(ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            _wireOut.Write(segment.Span);
        }

        FlushResult flush = await _wireOut.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (flush.IsCompleted)
        {
            // The peer's receive side is gone: what TCP reports as a reset when sending.
            throw new TransportException(ConnectionEndReason.ConnectionReset, "The in-memory peer closed the connection.");
        }
    }

    // The wire's writer belongs to the send loop, so the FIN (or reset) is sent from OnSendLoopCompleted.
    protected override void ShutdownSend()
    {
    }

    // Nothing to release: the cancellation already stops both loops, and they complete the wire ends themselves.
    protected override void Close(bool abortive)
    {
    }

    protected override void OnReceiveLoopCompleted() => _wireIn.Complete();

    protected override void OnSendLoopCompleted(bool shutDown) =>
        _wireOut.Complete(shutDown ? null : new TransportException(ConnectionEndReason.ConnectionReset, "The in-memory peer reset the connection."));
}
