using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace StateSave.StorageSystem.Packages;

/// <summary>
/// Opens and verifies a state-save package: reads the archive once, hashing every entry, then checks it against
/// <c>manifest.json</c> (every listed entry present with its size and SHA-256, no entry unlisted, no unsafe name, no
/// entry that is not a regular file). Never extracts anything.
/// </summary>
public static class StateSavePackageReader
{
    /// <summary>The largest manifest read (bytes).</summary>
    public const int MaximumManifestLength = 16 * 1024 * 1024;

    public static async Task<StateSavePackage> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        var entries = new Dictionary<string, PackageEntry>(StringComparer.Ordinal);
        var problems = new List<string>();
        PackageManifest? manifest = null;
        byte[] buffer = new byte[1 << 16];

        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan))
        await using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        await using (var tar = new TarReader(gzip))
        {
            try
            {
                while (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
                {
                    if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                    {
                        problems.Add($"'{entry.Name}' is a {entry.EntryType} entry, not a regular file");
                        continue;
                    }

                    if (!PackageEntryName.IsValid(entry.Name) && entry.Name != StateSavePackageWriter.ManifestEntryName)
                    {
                        problems.Add($"'{entry.Name}' is not a safe entry name");
                    }

                    if (!entries.TryAdd(entry.Name, default!))
                    {
                        problems.Add($"'{entry.Name}' appears twice");
                    }

                    if (entry.Name == StateSavePackageWriter.ManifestEntryName)
                    {
                        (manifest, string? problem) = await ReadManifestAsync(entry, cancellationToken).ConfigureAwait(false);
                        if (problem is not null)
                        {
                            problems.Add(problem);
                        }

                        entries.Remove(entry.Name);
                        continue;
                    }

                    entries[entry.Name] = await MeasureAsync(entry, buffer, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception error) when (error is InvalidDataException or EndOfStreamException or FormatException)
            {
                problems.Add($"the archive is damaged: {error.Message}");
            }
        }

        if (manifest is null)
        {
            if (!problems.Exists(p => p.StartsWith("manifest.json", StringComparison.Ordinal)))
            {
                problems.Add("manifest.json is missing");
            }
        }
        else
        {
            Verify(manifest, entries, problems);
        }

        return new StateSavePackage(path, manifest, entries, problems);
    }

    /// <summary>Copies the data of entry <paramref name="name"/> to <paramref name="destination"/>; false when the package has no such entry.</summary>
    public static async Task<bool> CopyEntryAsync(string path, string name, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        while (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            if (entry.Name == name && entry.DataStream is { } data)
            {
                await data.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
                return true;
            }
        }

        return false;
    }

    private static async Task<PackageEntry> MeasureAsync(TarEntry entry, byte[] buffer, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long bytes = 0;
        if (entry.DataStream is { } data)
        {
            int read;
            while ((read = await data.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                bytes += read;
            }
        }

        return new PackageEntry(entry.Name, bytes, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    private static async Task<(PackageManifest? Manifest, string? Problem)> ReadManifestAsync(TarEntry entry, CancellationToken cancellationToken)
    {
        if (entry.Length > MaximumManifestLength || entry.DataStream is not { } data)
        {
            return (null, $"manifest.json is larger than {MaximumManifestLength} bytes or empty");
        }

        using var copy = new MemoryStream((int)entry.Length);
        await data.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        try
        {
            PackageManifest? manifest = JsonSerializer.Deserialize(copy.GetBuffer().AsSpan(0, (int)copy.Length), PackageJsonContext.Default.PackageManifest);
            return manifest is null ? (null, "manifest.json is empty")
                : manifest.FormatVersion != PackageManifest.CurrentFormatVersion ? (null, $"manifest.json has format version {manifest.FormatVersion}, not {PackageManifest.CurrentFormatVersion}")
                : (manifest, null);
        }
        catch (JsonException error)
        {
            return (null, $"manifest.json is not a manifest: {error.Message}");
        }
    }

    private static void Verify(PackageManifest manifest, Dictionary<string, PackageEntry> entries, List<string> problems)
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (PackageEntry expected in manifest.Controller.Entries.Concat(manifest.Hosts.SelectMany(h => h.Entries)))
        {
            if (!listed.Add(expected.Name))
            {
                problems.Add($"manifest.json lists '{expected.Name}' twice");
            }

            if (!entries.TryGetValue(expected.Name, out PackageEntry? actual))
            {
                problems.Add($"'{expected.Name}' is listed but missing");
            }
            else if (actual.Bytes != expected.Bytes)
            {
                problems.Add($"'{expected.Name}' has {actual.Bytes} bytes, the manifest says {expected.Bytes}");
            }
            else if (!string.Equals(actual.Sha256, expected.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"'{expected.Name}' does not match its SHA-256");
            }
        }

        foreach (string name in entries.Keys.Where(n => !listed.Contains(n)))
        {
            problems.Add($"'{name}' is in the archive but not in the manifest");
        }
    }
}
