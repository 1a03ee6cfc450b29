using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using StateSave.StorageSystem.Packages;

namespace StateSave.StorageSystem.Tests.Packages;

/// <summary>The package writer and reader (specs/in-band-state-save.md §5).</summary>
public class StateSavePackageTests
{
    private static readonly System.Text.Json.JsonSerializerOptions ManifestJson = new()
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private string _output = null!;

    [SetUp]
    public void SetUp() => _output = Directory.CreateTempSubdirectory("statesave-package-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_output, recursive: true);

    private static PackageManifest Manifest(IReadOnlyList<PackageEntry> controller, IReadOnlyList<PackageHost> hosts) => new()
    {
        Failure = new PackageFailure(0x42, DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000), "drive 3", "media error"),
        Timeline = [new TimelineEvent(DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000), "failure")],
        Controller = new PackageController { Entries = controller },
        Hosts = hosts,
    };

    private async Task<(string Path, byte[] HostData)> WriteSampleAsync()
    {
        await using StateSavePackageWriter writer = StateSavePackageWriter.Create(_output, 0x42);
        PackageEntry controller = await writer.AddEntryAsync("controller/state.json", "{\"drives\":[]}"u8.ToArray());
        byte[] hostData = RandomNumberGenerator.GetBytes(300_000);
        PackageEntrySink sink = writer.OpenEntry("hosts/0-iqn.2026-11.test_host/11.bin");
        for (int offset = 0; offset < hostData.Length; offset += 65536)
        {
            await sink.WriteAsync(hostData.AsMemory(offset, Math.Min(65536, hostData.Length - offset)));
        }

        PackageEntry host = sink.Complete();
        var manifest = Manifest([controller], [new PackageHost
        {
            InitiatorName = "iqn.2026-11.test:host", Outcome = HostOutcome.Complete, Path = "127.0.0.1:3260 TSIH 7",
            Sessions = [new PackageSession("127.0.0.1:3260", 7, true)], Entries = [host],
        }]);
        return (await writer.CommitAsync(manifest), hostData);
    }

    [Test]
    public async Task A_package_round_trips_and_verifies()
    {
        (string path, byte[] hostData) = await WriteSampleAsync();
        StateSavePackage package = await StateSavePackageReader.OpenAsync(path);
        using var copy = new MemoryStream();
        bool found = await StateSavePackageReader.CopyEntryAsync(path, "hosts/0-iqn.2026-11.test_host/11.bin", copy);

        Assert.Multiple(() =>
        {
            Assert.That(Path.GetFileName(path), Is.EqualTo("statesave-0000000000000042.tar.gz"));
            Assert.That(package.Problems, Is.Empty);
            Assert.That(package.IsValid, Is.True);
            Assert.That(package.Manifest!.Failure.Component, Is.EqualTo("drive 3"));
            Assert.That(package.Manifest.Hosts[0].Outcome, Is.EqualTo(HostOutcome.Complete));
            Assert.That(package.Entries["hosts/0-iqn.2026-11.test_host/11.bin"].Sha256, Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(hostData))));
            Assert.That(found, Is.True);
            Assert.That(copy.ToArray(), Is.EqualTo(hostData));
            Assert.That(Directory.GetFileSystemEntries(_output), Is.EqualTo(new[] { path }), "no temporary file or staging folder is left");
        });
    }

    [Test]
    public async Task The_manifest_is_json_with_camel_case_names_and_string_outcomes()
    {
        (string path, _) = await WriteSampleAsync();
        using var json = new MemoryStream();
        await StateSavePackageReader.CopyEntryAsync(path, "manifest.json", json);
        string text = System.Text.Encoding.UTF8.GetString(json.ToArray());
        Assert.That(text, Does.Contain("\"formatVersion\": 1"));
        Assert.That(text, Does.Contain("\"outcome\": \"Complete\""));
        Assert.That(text, Does.Contain("\"initiatorName\": \"iqn.2026-11.test:host\""));
    }

    [Test]
    public async Task Tar_lists_the_package()
    {
        string? tar = FindOnPath("tar");
        if (tar is null)
        {
            Assert.Ignore("tar is not installed");
        }

        (string path, _) = await WriteSampleAsync();
        var start = new ProcessStartInfo(tar!, ["tzf", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        string listing = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, await process.StandardError.ReadToEndAsync());
        Assert.That(listing.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[] { "controller/state.json", "hosts/0-iqn.2026-11.test_host/11.bin", "manifest.json" }));
    }

    [TestCase("../escape.bin")]
    [TestCase("/etc/passwd")]
    [TestCase("hosts/../../x")]
    [TestCase("hosts//x")]
    [TestCase("hosts/a b")]
    [TestCase("manifest.json")]
    [TestCase("")]
    public async Task Unsafe_entry_names_are_refused(string name)
    {
        await using StateSavePackageWriter writer = StateSavePackageWriter.Create(_output, 1);
        Assert.That(() => writer.OpenEntry(name), Throws.ArgumentException);
    }

    [Test]
    public void Host_supplied_names_are_sanitized_into_one_segment()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PackageEntryName.Sanitize("iqn.2026-11.org:host/../../etc"), Is.EqualTo("iqn.2026-11.org_host_.._.._etc"));
            Assert.That(PackageEntryName.Sanitize(".."), Is.EqualTo("_"));
            Assert.That(PackageEntryName.Sanitize(new string('a', 500)), Has.Length.EqualTo(PackageEntryName.MaximumSegmentLength));
            Assert.That(PackageEntryName.IsValid("hosts/" + PackageEntryName.Sanitize("iqn.x:../y") + "/10.bin"), Is.True);
        });
    }

    [Test]
    public async Task A_repeated_entry_name_is_refused()
    {
        await using StateSavePackageWriter writer = StateSavePackageWriter.Create(_output, 1);
        writer.OpenEntry("controller/a.bin").Complete();
        Assert.That(() => writer.OpenEntry("controller/a.bin"), Throws.ArgumentException);
    }

    [Test]
    public async Task A_tampered_entry_a_missing_entry_and_an_unlisted_entry_are_reported()
    {
        string path = Path.Combine(_output, "tampered.tar.gz");
        PackageManifest manifest = Manifest(
            [new PackageEntry("controller/state.json", 3, Convert.ToHexStringLower(SHA256.HashData("abc"u8))),
             new PackageEntry("controller/missing.bin", 1, "00")],
            []);
        await using (var file = File.Create(path))
        await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "controller/state.json") { DataStream = new MemoryStream("abd"u8.ToArray()) });
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "extra.bin") { DataStream = new MemoryStream([1]) });
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json")
            {
                DataStream = new MemoryStream(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJson)),
            });
        }

        StateSavePackage package = await StateSavePackageReader.OpenAsync(path);
        Assert.That(package.IsValid, Is.False);
        Assert.That(package.Problems, Has.Some.Contains("'controller/state.json' does not match its SHA-256"));
        Assert.That(package.Problems, Has.Some.Contains("'controller/missing.bin' is listed but missing"));
        Assert.That(package.Problems, Has.Some.Contains("'extra.bin' is in the archive but not in the manifest"));
    }

    [Test]
    public async Task A_package_without_a_manifest_or_with_an_escaping_entry_is_invalid()
    {
        string path = Path.Combine(_output, "bad.tar.gz");
        await using (var file = File.Create(path))
        await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "../outside.bin") { DataStream = new MemoryStream([1]) });
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.SymbolicLink, "link") { LinkName = "/etc/passwd" });
        }

        StateSavePackage package = await StateSavePackageReader.OpenAsync(path);
        Assert.That(package.IsValid, Is.False);
        Assert.That(package.Problems, Has.Some.Contains("manifest.json is missing"));
        Assert.That(package.Problems, Has.Some.Contains("'../outside.bin' is not a safe entry name"));
        Assert.That(package.Problems, Has.Some.Contains("SymbolicLink"));
    }

    [Test]
    public async Task A_truncated_archive_is_reported_as_damaged()
    {
        (string path, _) = await WriteSampleAsync();
        byte[] bytes = await File.ReadAllBytesAsync(path);
        string truncated = Path.Combine(_output, "truncated.tar.gz");
        await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length / 2)]);
        StateSavePackage package = await StateSavePackageReader.OpenAsync(truncated);
        Assert.That(package.IsValid, Is.False);
        Assert.That(package.Problems, Is.Not.Empty);
    }

    [Test]
    public async Task Disposing_without_commit_leaves_nothing_behind()
    {
        await using (StateSavePackageWriter writer = StateSavePackageWriter.Create(_output, 7))
        {
            await writer.AddEntryAsync("controller/state.json", new byte[10]);
        }

        Assert.That(Directory.GetFileSystemEntries(_output), Is.Empty);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
