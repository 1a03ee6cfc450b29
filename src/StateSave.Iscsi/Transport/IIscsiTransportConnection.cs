using System.IO.Pipelines;
using System.Net;

namespace StateSave.Iscsi.Transport;

/// <summary>
/// One byte-stream connection, as seen by the iSCSI target and initiator alike. Bytes from the peer arrive on
/// <see cref="IDuplexPipe.Input"/>; bytes written to <see cref="IDuplexPipe.Output"/> go to the peer.
/// </summary>
/// <remarks>
/// <para>Closing: completing <see cref="IDuplexPipe.Output"/> drains what was written and then shuts down the send
/// side (FIN); the peer can still send until it closes too. The peer's FIN completes <see cref="IDuplexPipe.Input"/>
/// without error. A reset or transport failure completes the input with a <see cref="TransportException"/>.
/// <see cref="Abort"/> ends the connection at once (the peer sees a reset); the local input then completes without error.</para>
/// <para><see cref="IAsyncDisposable.DisposeAsync"/> is a graceful close: it completes the output, waits (bounded by
/// <see cref="TransportOptions.DrainTimeout"/>) for it to drain, closes the connection and waits for the transport's loops.
/// It is safe to call more than once and concurrently, and together with <see cref="Abort"/>. The application's ends of the
/// pipes (Input's reader, Output's writer) stay the application's to complete.</para>
/// </remarks>
public interface IIscsiTransportConnection : IDuplexPipe, IAsyncDisposable
{
    /// <summary>A short identifier for logs, unique within the process (e.g. <c>tcp-12</c>, <c>mem-3</c>).</summary>
    string ConnectionId { get; }

    EndPoint? LocalEndPoint { get; }

    EndPoint? RemoteEndPoint { get; }

    /// <summary>The first cause of the connection's end, once one is known; null while the connection is fully open.</summary>
    /// <remarks>Set as soon as the cause happens (e.g. the peer's FIN), which may be before <see cref="Closed"/> completes.</remarks>
    ConnectionEnd? End { get; }

    /// <summary>Completes (never faults) when both directions have finished and the transport has been released.</summary>
    Task<ConnectionEnd> Closed { get; }

    /// <summary>
    /// Ends the connection at once: pending sends are dropped, the peer sees a reset, local reads complete.
    /// Records <see cref="ConnectionEndReason.Aborted"/> with <paramref name="reason"/> and <paramref name="exception"/>
    /// unless the connection had already ended for another reason. Never throws.
    /// </summary>
    void Abort(string reason, Exception? exception = null);
}
