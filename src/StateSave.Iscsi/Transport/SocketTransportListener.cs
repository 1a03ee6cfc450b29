using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using StateSave.Iscsi.Logging;
using StateSave.Iscsi.Transport.Internal;

namespace StateSave.Iscsi.Transport;

/// <summary>A TCP listener (IPv4 or IPv6) handing out socket connections.</summary>
public sealed class SocketTransportListener : IIscsiTransportListener
{
    private readonly Socket _socket;
    private readonly TransportOptions _options;
    private readonly ILogger _logger;
    private int _disposed;

    private SocketTransportListener(Socket socket, TransportOptions options)
    {
        _socket = socket;
        _options = options;
        _logger = options.CreateLogger();

        // Read back after Bind: when bound to port 0 this carries the port the system chose.
        LocalEndPoint = socket.LocalEndPoint!;
    }

    public EndPoint LocalEndPoint { get; }

    /// <summary>Binds and starts listening. Binding <see cref="IPAddress.IPv6Any"/> also accepts IPv4 (dual mode).</summary>
    public static SocketTransportListener Bind(IPEndPoint endPoint, TransportOptions? options = null, int backlog = 128)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        options ??= TransportOptions.Default;
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(endPoint);
            socket.Listen(backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var listener = new SocketTransportListener(socket, options);
        TransportLog.ListenerStarted(listener._logger, listener.LocalEndPoint);
        return listener;
    }

    public async ValueTask<IIscsiTransportConnection?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Volatile.Read(ref _disposed) != 0 && ex is ObjectDisposedException or SocketException or OperationCanceledException)
            {
                return null;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
            {
                // The client gave up before we accepted it: not the listener's failure, wait for the next one.
                TransportLog.AcceptFailed(_logger, LocalEndPoint, ex);
                continue;
            }

            return SocketConnection.Start(accepted, _options, accepted: true);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _socket.Dispose();
            TransportLog.ListenerStopped(_logger, LocalEndPoint);
        }

        return ValueTask.CompletedTask;
    }
}
