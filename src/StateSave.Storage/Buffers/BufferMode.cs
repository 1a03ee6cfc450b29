namespace StateSave.Storage.Buffers;

/// <summary>MODE field of READ BUFFER and WRITE BUFFER (SPC-5 §6.18.1, §6.48.1) for the modes this device server implements.</summary>
public enum BufferMode : byte
{
    /// <summary>Combined header and data (READ BUFFER only here).</summary>
    CombinedHeaderAndData = 0x00,

    /// <summary>Data: a vendor-specific buffer selected by BUFFER ID.</summary>
    Data = 0x02,

    /// <summary>Descriptor: OFFSET BOUNDARY and BUFFER CAPACITY of a buffer (READ BUFFER).</summary>
    Descriptor = 0x03,

    /// <summary>Echo buffer (READ and WRITE BUFFER).</summary>
    EchoBuffer = 0x0a,

    /// <summary>Echo buffer descriptor (READ BUFFER).</summary>
    EchoBufferDescriptor = 0x0b,

    /// <summary>Error history (READ BUFFER) / download application client error history (WRITE BUFFER).</summary>
    ErrorHistory = 0x1c,
}
