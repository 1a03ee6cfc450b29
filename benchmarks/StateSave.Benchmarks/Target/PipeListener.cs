using System.Net;
using System.Threading.Channels;
using StateSave.Iscsi.Transport;

namespace StateSave.Benchmarks.Target;

/// <summary>A listener whose connections are <see cref="PipeConnection"/>s made by <see cref="Connect"/>.</summary>
internal sealed class PipeListener : IIscsiTransportListener
{
    private readonly Channel<IIscsiTransportConnection> _pending = Channel.CreateUnbounded<IIscsiTransportConnection>();

    public EndPoint LocalEndPoint { get; } = new InMemoryEndPoint("bench-pipes");

    /// <summary>A new connection: the server end goes to the next accept, the client end is returned.</summary>
    public IIscsiTransportConnection Connect()
    {
        (PipeConnection client, PipeConnection server) = PipeConnection.CreatePair();
        if (!_pending.Writer.TryWrite(server))
        {
            throw new InvalidOperationException("The listener has stopped.");
        }

        return client;
    }

    public async ValueTask<IIscsiTransportConnection?> AcceptAsync(CancellationToken cancellationToken = default) =>
        await _pending.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false) && _pending.Reader.TryRead(out IIscsiTransportConnection? connection)
            ? connection
            : null;

    public ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
