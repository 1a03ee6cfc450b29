using System.Buffers;
using System.Net.Sockets;
using StateSave.Iscsi.Logging;

namespace StateSave.Iscsi.Transport.Internal;

/// <summary>A TCP connection: a connected <see cref="Socket"/> feeding the pipes.</summary>
internal sealed class SocketConnection : DuplexPipeConnection
{
    private readonly Socket _socket;

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

        return SendSegmentsAsync(buffer, cancellationToken);
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

    protected override ConnectionEndReason ClassifyError(Exception exception) => exception switch
    {
        // Shutdown (EPIPE) is what a send gets after the peer's RST.
        SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown }
            => ConnectionEndReason.ConnectionReset,
        _ => base.ClassifyError(exception),
    };

    // Segment by segment: each segment is the pipe's own memory, so nothing is copied. Segments are at least
    // MinimumSegmentSize long, so the extra send calls are few. (A gather list would need array-backed segments.)
    private async ValueTask SendSegmentsAsync(ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        foreach (ReadOnlyMemory<byte> segment in buffer)
        {
            await SendSegmentAsync(segment, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask SendSegmentAsync(ReadOnlyMemory<byte> segment, CancellationToken cancellationToken)
    {
        while (!segment.IsEmpty)
        {
            int sent = await _socket.SendAsync(segment, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            segment = segment[sent..];
        }
    }
}
