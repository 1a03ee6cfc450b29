using System.Collections.Concurrent;
using System.Net;
using StateSave.Iscsi.Logging;
using StateSave.Iscsi.Transport.Internal;

namespace StateSave.Iscsi.Transport;

/// <summary>
/// An in-memory transport with the socket transport's semantics (half close, reset on abort, recorded end reasons),
/// for tests. Use <see cref="CreatePair(TransportOptions?)"/> for two connected ends, or an instance as a small
/// network: <see cref="Listen"/> on a name, <see cref="ConnectAsync"/> to it.
/// </summary>
public sealed class InMemoryTransport : IIscsiTransportConnector
{
    private static long s_nextClient;

    private readonly ConcurrentDictionary<InMemoryEndPoint, InMemoryListener> _listeners = new();
    private readonly TransportOptions _options;

    /// <param name="options">Options for the connecting (client) ends; a listener has its own.</param>
    public InMemoryTransport(TransportOptions? options = null)
    {
        _options = options ?? TransportOptions.Default;
    }

    /// <summary>Two connected ends: what one writes to its Output arrives on the other's Input.</summary>
    public static (IIscsiTransportConnection Client, IIscsiTransportConnection Server) CreatePair(TransportOptions? options = null) =>
        CreatePair(options, options);

    /// <summary>Two connected ends, each with its own options (each input pipe is sized from its own side's limits).</summary>
    public static (IIscsiTransportConnection Client, IIscsiTransportConnection Server) CreatePair(
        TransportOptions? clientOptions, TransportOptions? serverOptions)
    {
        long id = Interlocked.Increment(ref s_nextClient);
        return InMemoryConnection.CreatePair(
            clientOptions ?? TransportOptions.Default,
            serverOptions ?? TransportOptions.Default,
            new InMemoryEndPoint($"client-{id}"),
            new InMemoryEndPoint($"server-{id}"));
    }

    /// <summary>Starts listening on <paramref name="endPoint"/>; throws <see cref="TransportException"/> if the name is taken.</summary>
    public IIscsiTransportListener Listen(InMemoryEndPoint endPoint, TransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var listener = new InMemoryListener(endPoint, options ?? _options, l => _listeners.TryRemove(new KeyValuePair<InMemoryEndPoint, InMemoryListener>(l.EndPoint, l)));
        if (!_listeners.TryAdd(endPoint, listener))
        {
            throw new TransportException($"{endPoint} is already in use.");
        }

        listener.OnStarted();
        return listener;
    }

    public ValueTask<IIscsiTransportConnection> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        cancellationToken.ThrowIfCancellationRequested();
        if (endPoint is not InMemoryEndPoint target || !_listeners.TryGetValue(target, out InMemoryListener? listener))
        {
            throw new TransportException($"Could not connect to {endPoint}: connection refused (nothing listens there).");
        }

        long id = Interlocked.Increment(ref s_nextClient);
        (InMemoryConnection client, InMemoryConnection server) =
            InMemoryConnection.CreatePair(_options, listener.Options, new InMemoryEndPoint($"client-{id}"), target);
        if (!listener.TryEnqueue(server))
        {
            client.Abort("Connection refused.");
            server.Abort("Connection refused.");
            throw new TransportException($"Could not connect to {endPoint}: connection refused (the listener stopped).");
        }

        TransportLog.ConnectionConnected(client.Logger, client.ConnectionId, client.LocalEndPoint, client.RemoteEndPoint);
        return ValueTask.FromResult<IIscsiTransportConnection>(client);
    }
}
