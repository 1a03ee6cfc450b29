using System.Security.Cryptography;

namespace StateSave.StorageSystem.Packages;

/// <summary>
/// One entry of a package being collected: bytes are appended as they arrive (spooled to the staging folder, never
/// held in memory) and hashed on the way; <see cref="Complete"/> fixes its size and SHA-256.
/// </summary>
public sealed class PackageEntrySink : IDisposable
{
    private readonly FileStream _spool;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private PackageEntry? _completed;

    internal PackageEntrySink(string name, string spoolPath)
    {
        Name = name;
        SpoolPath = spoolPath;
        // Synchronous writes: the spool lives in the page cache, and a write of one State Save Data PDU costs less than
        // the two thread-pool hops an asynchronous file write takes on Linux (the connection's read loop waits for it).
        _spool = new FileStream(spoolPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0, FileOptions.None);
    }

    /// <summary>The archive entry name.</summary>
    public string Name { get; }

    /// <summary>Bytes written so far.</summary>
    public long Bytes { get; private set; }

    internal string SpoolPath { get; }

    /// <summary>The entry as the manifest lists it, once completed.</summary>
    public PackageEntry? Completed => _completed;

    /// <summary>Appends <paramref name="data"/>.</summary>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed is not null, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        _hash.AppendData(data.Span);
        _spool.Write(data.Span);
        Bytes += data.Length;
        return ValueTask.CompletedTask;
    }

    /// <summary>Ends the entry (what was written is what it holds); later calls return the same entry.</summary>
    public PackageEntry Complete()
    {
        if (_completed is null)
        {
            _spool.Dispose();
            _completed = new PackageEntry(Name, Bytes, Convert.ToHexStringLower(_hash.GetHashAndReset()));
            _hash.Dispose();
        }

        return _completed;
    }

    public void Dispose() => Complete();
}
