namespace StateSave.Iscsi.Transport;

/// <summary>Why a transport connection ended. The first cause observed is the one recorded.</summary>
public enum ConnectionEndReason
{
    /// <summary>This side completed its output (or disposed the connection): the send side was drained and shut down.</summary>
    LocalClose,

    /// <summary>The peer shut down its send side (TCP FIN): the input completed without error.</summary>
    RemoteClose,

    /// <summary>The peer reset the connection (TCP RST, or an in-memory peer that aborted).</summary>
    ConnectionReset,

    /// <summary>This side called <see cref="IIscsiTransportConnection.Abort"/>, for example after a protocol error.</summary>
    Aborted,

    /// <summary>Any other transport failure (socket error, pipe failure).</summary>
    TransportError,
}
