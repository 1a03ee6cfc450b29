namespace StateSave.Scsi.Server;

/// <summary>Which data transfers a command's transport announced (iSCSI R and W bits, RFC 7143 §11.3.1).</summary>
public enum ScsiDataDirection : byte
{
    /// <summary>No data transfer.</summary>
    None = 0,

    /// <summary>Data-In only: device server to application client (a read).</summary>
    FromDevice = 1,

    /// <summary>Data-Out only: application client to device server (a write).</summary>
    ToDevice = 2,

    /// <summary>Both (e.g. XDWRITEREAD): Data-Out first, then Data-In.</summary>
    Bidirectional = 3,
}
