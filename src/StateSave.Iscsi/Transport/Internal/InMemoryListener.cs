using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using StateSave.Iscsi.Logging;

namespace StateSave.Iscsi.Transport.Internal;

/// <summary>An in-memory listener: a queue of server ends that <see cref="InMemoryTransport.ConnectAsync"/> fills.</summary>
internal sealed class InMemoryListener : IIscsiTransportListener
{
    private readonly Channel<IIscsiTransportConnection> _pending = Channel.CreateUnbounded<IIscsiTransportConnection>();
    private readonly Action<InMemoryListener> _onDisposed;
    private readonly ILogger _logger;
    private int _disposed;

    public InMemoryListener(InMemoryEndPoint endPoint, TransportOptions options, Action<InMemoryListener> onDisposed)
    {
        EndPoint = endPoint;
        Options = options;
        _onDisposed = onDisposed;
        _logger = options.CreateLogger();
    }

    public InMemoryEndPoint EndPoint { get; }

    public EndPoint LocalEndPoint => EndPoint;

    public TransportOptions Options { get; }

    /// <summary>Called once the listener is registered under its name.</summary>
    public void OnStarted() => TransportLog.ListenerStarted(_logger, EndPoint);

    /// <summary>Queues a server end; false when the listener is gone (the caller then sees "refused").</summary>
    public bool TryEnqueue(InMemoryConnection connection)
    {
        if (!_pending.Writer.TryWrite(connection))
        {
            return false;
        }

        TransportLog.ConnectionAccepted(_logger, connection.ConnectionId, connection.RemoteEndPoint, connection.LocalEndPoint);
        return true;
    }

    public async ValueTask<IIscsiTransportConnection?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (await _pending.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (_pending.Reader.TryRead(out IIscsiTransportConnection? connection))
            {
                return connection;
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _onDisposed(this);
        _pending.Writer.TryComplete();
        TransportLog.ListenerStopped(_logger, EndPoint);

        // Connections nobody accepted are reset, as a closing listen socket resets its backlog.
        while (_pending.Reader.TryRead(out IIscsiTransportConnection? connection))
        {
            connection.Abort("The listener was disposed before the connection was accepted.");
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
