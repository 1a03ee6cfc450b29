using System.Net;

namespace StateSave.Initiator.Connections;

/// <summary>Counters of one transport connection (from its login on): PDUs and wire bytes, digests and padding included.</summary>
public readonly record struct ConnectionStatistics(string ConnectionId, EndPoint? RemoteEndPoint, long PdusReceived, long BytesReceived,
    long PdusSent, long BytesSent);
