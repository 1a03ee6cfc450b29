namespace StateSave.Iscsi.Protocol;

/// <summary>The AsyncEvent field of an Asynchronous Message (RFC 7143 §11.9.1).</summary>
public enum AsyncEvent : byte
{
    /// <summary>A SCSI asynchronous event; the data segment carries its sense data.</summary>
    ScsiAsyncEvent = 0,
    /// <summary>The target requests a logout within Parameter3 seconds.</summary>
    LogoutRequest = 1,
    /// <summary>The target will drop the connection named in Parameter1.</summary>
    DropConnection = 2,
    /// <summary>The target will drop all connections of the session.</summary>
    DropAllConnections = 3,
    /// <summary>The target requests parameter renegotiation.</summary>
    ParameterNegotiationRequest = 4,
    /// <summary>All active tasks for a LU with a matching LUN field will be terminated (RFC 7143).</summary>
    TaskTermination = 5,
    /// <summary>Vendor-specific; AsyncVCode carries the vendor code.</summary>
    VendorSpecific = 255,
}
