namespace StateSave.Scsi.Server;

/// <summary>
/// Data-In bytes a device server can copy synchronously from where they live (a block store in memory or in the
/// page cache). The transport hands it its own send memory, so the bytes go from the medium to the connection's
/// buffers with no intermediate copy (<see cref="IScsiCommand.SendDataInAsync(IDataInSource, long, int, bool, CancellationToken)"/>).
/// </summary>
public interface IDataInSource
{
    /// <summary>Copies the bytes at <paramref name="offset"/> (in the source's own addressing) into the whole of <paramref name="destination"/>.</summary>
    /// <remarks>Called with any length and alignment; must not block for long (the transport may hold its send lock).</remarks>
    void Read(long offset, Span<byte> destination);
}
