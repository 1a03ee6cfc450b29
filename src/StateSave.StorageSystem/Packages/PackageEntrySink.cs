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
        _spool = new FileStream(spoolPath, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous);
    }

    /// <summary>The archive entry name.</summary>
    public string Name { get; }

    /// <summary>Bytes written so far.</summary>
    public long Bytes { get; private set; }

    internal string SpoolPath { get; }

    /// <summary>The entry as the manifest lists it, once completed.</summary>
    public PackageEntry? Completed => _completed;

    /// <summary>Appends <paramref name="data"/>.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed is not null, this);
        _hash.AppendData(data.Span);
        await _spool.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        Bytes += data.Length;
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
