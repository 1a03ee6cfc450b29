namespace StateSave.Storage.Copy;

/// <summary>
/// A block device an EXTENDED COPY reads from or writes to (a copy target, SPC-5 §5.17.3): a logical unit of
/// this storage system, reached without going through a SCSI transport.
/// </summary>
public interface ICopyBlockDevice
{
    /// <summary>LOGICAL BLOCK LENGTH IN BYTES.</summary>
    uint BlockLength { get; }

    /// <summary>Number of logical blocks (RETURNED LOGICAL BLOCK ADDRESS + 1).</summary>
    ulong BlockCount { get; }

    /// <summary>Reads <c>destination.Length / BlockLength</c> blocks from <paramref name="logicalBlockAddress"/>. Throws <see cref="IOException"/> on a medium error.</summary>
    ValueTask ReadAsync(ulong logicalBlockAddress, Memory<byte> destination, CancellationToken cancellationToken);

    /// <summary>Writes whole blocks at <paramref name="logicalBlockAddress"/>; durable as the device's ordinary writes are. Throws <see cref="IOException"/> on failure.</summary>
    ValueTask WriteAsync(ulong logicalBlockAddress, ReadOnlyMemory<byte> source, CancellationToken cancellationToken);
}
