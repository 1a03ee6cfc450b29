using System.Net;

namespace StateSave.Iscsi.Transport;

/// <summary>Opens outgoing connections (the initiator side).</summary>
public interface IIscsiTransportConnector
{
    /// <summary>
    /// Connects to <paramref name="endPoint"/>. Throws <see cref="TransportException"/> (with the underlying error as the
    /// inner exception) when the connection cannot be made, <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    ValueTask<IIscsiTransportConnection> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken = default);
}
