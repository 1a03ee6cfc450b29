namespace StateSave.Host.Failover;

/// <summary>
/// A state save the host made the storage take (READ BUFFER mode 1Ch, SPC-5 §5.7): when it was asked for (the instant
/// the host's own log was stamped with), the error history directory, and each buffer by BUFFER ID.
/// </summary>
public sealed record StorageStateSave(DateTimeOffset RequestedAt, string Device, byte[] Directory, IReadOnlyDictionary<byte, byte[]> Buffers);
