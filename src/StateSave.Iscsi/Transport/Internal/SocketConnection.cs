using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using StateSave.Iscsi.Logging;

namespace StateSave.Iscsi.Transport.Internal;

/// <summary>A TCP connection: a connected <see cref="Socket"/> feeding the pipes.</summary>
internal sealed class SocketConnection : DuplexPipeConnection
{
    private readonly Socket _socket;
    private readonly SocketSender _sender = new();

    private SocketConnection(Socket socket, TransportOptions options)
        : base("tcp", options, socket.LocalEndPoint, socket.RemoteEndPoint)
    {
        _socket = socket;
    }

    /// <summary>Wraps a connected socket (taking ownership of it) and starts the loops.</summary>
    public static SocketConnection Start(Socket socket, TransportOptions options, bool accepted)
    {
        // iSCSI is request/response: a PDU must not wait for Nagle's algorithm.
        socket.NoDelay = true;
        var connection = new SocketConnection(socket, options);
        if (accepted)
        {
            TransportLog.ConnectionAccepted(connection.Logger, connection.ConnectionId, connection.RemoteEndPoint, connection.LocalEndPoint);
        }
        else
        {
            TransportLog.ConnectionConnected(connection.Logger, connection.ConnectionId, connection.LocalEndPoint, connection.RemoteEndPoint);
        }

        connection.Start();
        return connection;
    }

    protected override ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    protected override ValueTask SendAsync(ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        if (buffer.IsSingleSegment)
        {
            return SendSegmentAsync(buffer.First, cancellationToken);
        }

        return _sender.TryPrepare(buffer) is >= 0 and long prepared ? SendGatheredAsync(buffer, prepared) : SendSegmentsAsync(buffer, cancellationToken);
    }

    protected override void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    protected override void Close(bool abortive)
    {
        try
        {
            if (abortive)
            {
                // Linger on with a zero timeout: closing sends RST at once instead of a FIN after the queued data.
                _socket.LingerState = new LingerOption(true, 0);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // The socket is already broken; disposing it is all that is left.
        }

        _socket.Dispose();
    }

    // The send loop alone uses the sender: release it once that loop has ended.
    protected override void OnSendLoopCompleted(bool shutDown) => _sender.Dispose();

    protected override ConnectionEndReason ClassifyError(Exception exception) => exception switch
    {
        // Shutdown (EPIPE) is what a send gets after the peer's RST.
        SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown }
            => ConnectionEndReason.ConnectionReset,
        _ => base.ClassifyError(exception),
    };

    // One gather send for the whole buffer (the pipe's own arrays, nothing copied); a cancelled send loop closes the
    // socket, which ends a pending send.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendGatheredAsync(ReadOnlySequence<byte> buffer, long prepared)
    {
        try
        {
            while (true)
            {
                for (long left = prepared; left > 0;)
                {
                    int sent = await _sender.SendPreparedAsync(_socket).ConfigureAwait(false);
                    left -= sent;
                    _sender.Skip(sent);
                }

                buffer = buffer.Slice(prepared);
                if (buffer.IsEmpty)
                {
                    return;
                }

                prepared = _sender.TryPrepare(buffer); // the next eight segments
                if (prepared < 0)
                {
                    await SendSegmentsAsync(buffer, CancellationToken.None).ConfigureAwait(false);
                    return;
                }
            }
        }
        finally
        {
            _sender.Clear();
        }
    }

    // Segment by segment, for pipe memory that is not array-backed (a custom MemoryPool): nothing is copied either.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendSegmentsAsync(ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            await SendSegmentAsync(segment, cancellationToken).ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendSegmentAsync(ReadOnlyMemory<byte> segment, CancellationToken cancellationToken)
    {
        while (!segment.IsEmpty)
        {
            int sent = await _socket.SendAsync(segment, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            segment = segment[sent..];
        }
    }
}
