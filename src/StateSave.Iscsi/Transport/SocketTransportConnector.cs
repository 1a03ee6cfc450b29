using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using StateSave.Iscsi.Logging;
using StateSave.Iscsi.Transport.Internal;

namespace StateSave.Iscsi.Transport;

/// <summary>Opens TCP connections (IPv4, IPv6 or a host name).</summary>
public sealed class SocketTransportConnector : IIscsiTransportConnector
{
    private readonly TransportOptions _options;
    private readonly ILogger _logger;

    public SocketTransportConnector(TransportOptions? options = null)
    {
        _options = options ?? TransportOptions.Default;
        _logger = _options.CreateLogger();
    }

    public async ValueTask<IIscsiTransportConnection> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);

        // A DnsEndPoint has no address family yet: a dual-mode socket reaches either kind of address.
        Socket socket = endPoint.AddressFamily == AddressFamily.Unspecified
            ? new Socket(SocketType.Stream, ProtocolType.Tcp)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            TransportLog.ConnectFailed(_logger, endPoint, ex);
            throw new TransportException($"Could not connect to {endPoint}: {ex.SocketErrorCode} ({ex.Message}).", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return SocketConnection.Start(socket, _options, accepted: false);
    }
}
