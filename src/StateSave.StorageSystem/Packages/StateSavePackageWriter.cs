using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace StateSave.StorageSystem.Packages;

/// <summary>
/// Writes one state-save package (specs/in-band-state-save.md §5): entries are spooled to a staging folder as they
/// arrive (bounded memory whatever the hosts send), then <see cref="CommitAsync"/> writes
/// <c>statesave-&lt;failure id&gt;.tar.gz</c> atomically: a temporary file in the same folder, flushed to disk, then
/// renamed. Nothing is written outside the output folder: the file name comes from the failure ID and every entry
/// name is checked by <see cref="PackageEntryName.IsValid"/>.
/// </summary>
public sealed class StateSavePackageWriter : IAsyncDisposable
{
    public const string ManifestEntryName = "manifest.json";

    private readonly Lock _lock = new();
    private readonly List<PackageEntrySink> _entries = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly string _staging;
    private bool _committed;

    private StateSavePackageWriter(string outputDirectory, ulong failureId)
    {
        OutputDirectory = Path.GetFullPath(outputDirectory);
        string stem = string.Create(CultureInfo.InvariantCulture, $"statesave-{failureId:x16}");
        FinalPath = Path.Combine(OutputDirectory, stem + ".tar.gz");
        _staging = Path.Combine(OutputDirectory, "." + stem + ".staging");
    }

    public string OutputDirectory { get; }

    /// <summary>Where the package will be once committed.</summary>
    public string FinalPath { get; }

    /// <summary>Starts a package for <paramref name="failureId"/> in <paramref name="outputDirectory"/> (created if missing).</summary>
    public static StateSavePackageWriter Create(string outputDirectory, ulong failureId)
    {
        ArgumentNullException.ThrowIfNull(outputDirectory);
        var writer = new StateSavePackageWriter(outputDirectory, failureId);
        Directory.CreateDirectory(writer.OutputDirectory);
        if (Directory.Exists(writer._staging))
        {
            Directory.Delete(writer._staging, recursive: true); // left by a collection that did not finish
        }

        Directory.CreateDirectory(writer._staging);
        return writer;
    }

    /// <summary>Opens a new entry; throws <see cref="ArgumentException"/> for an unsafe or repeated name.</summary>
    public PackageEntrySink OpenEntry(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!PackageEntryName.IsValid(name) || name == ManifestEntryName)
        {
            throw new ArgumentException($"'{name}' is not a safe package entry name.", nameof(name));
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_committed, this);
            if (!_names.Add(name))
            {
                throw new ArgumentException($"The package already has an entry '{name}'.", nameof(name));
            }

            var sink = new PackageEntrySink(name, Path.Combine(_staging, _entries.Count.ToString(CultureInfo.InvariantCulture) + ".spool"));
            _entries.Add(sink);
            return sink;
        }
    }

    /// <summary>Adds a whole entry at once.</summary>
    public async Task<PackageEntry> AddEntryAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        using PackageEntrySink sink = OpenEntry(name);
        await sink.WriteAsync(content, cancellationToken).ConfigureAwait(false);
        return sink.Complete();
    }

    /// <summary>
    /// Writes the archive: every entry in the order opened (an entry still open is completed as it is), then
    /// <paramref name="manifest"/> as <c>manifest.json</c>; returns <see cref="FinalPath"/>.
    /// </summary>
    public async Task<string> CommitAsync(PackageManifest manifest, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        PackageEntrySink[] entries;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_committed, this);
            _committed = true;
            entries = [.. _entries];
        }

        string temporary = FinalPath + ".tmp";
        await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            await using (var gzip = new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true))
            await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
            {
                DateTimeOffset now = DateTimeOffset.UtcNow;
                foreach (PackageEntrySink entry in entries)
                {
                    entry.Complete();
                    await using var data = new FileStream(entry.SpoolPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
                    await tar.WriteEntryAsync(NewEntry(entry.Name, data, now), cancellationToken).ConfigureAwait(false);
                }

                using var json = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, PackageJsonContext.Default.PackageManifest));
                await tar.WriteEntryAsync(NewEntry(ManifestEntryName, json, now), cancellationToken).ConfigureAwait(false);
            }

            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, FinalPath, overwrite: true);
        DeleteStaging();
        return FinalPath;
    }

    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _committed = true;
            foreach (PackageEntrySink entry in _entries)
            {
                entry.Complete();
            }
        }

        DeleteStaging();
        return ValueTask.CompletedTask;
    }

    private static PaxTarEntry NewEntry(string name, Stream data, DateTimeOffset time) =>
        new(TarEntryType.RegularFile, name) { DataStream = data, ModificationTime = time, Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead };

    private void DeleteStaging()
    {
        try
        {
            if (Directory.Exists(_staging))
            {
                Directory.Delete(_staging, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a staging folder left behind is deleted by the next collection of the same failure.
        }
    }
}
