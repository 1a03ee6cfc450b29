using System.Net;

namespace StateSave.Iscsi.Transport;

/// <summary>Accepts incoming connections (the target side).</summary>
public interface IIscsiTransportListener : IAsyncDisposable
{
    /// <summary>The bound endpoint; when bound to port 0 this holds the port the system chose.</summary>
    EndPoint LocalEndPoint { get; }

    /// <summary>
    /// Waits for the next connection. Returns null once the listener has been disposed; throws
    /// <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    ValueTask<IIscsiTransportConnection?> AcceptAsync(CancellationToken cancellationToken = default);
}
