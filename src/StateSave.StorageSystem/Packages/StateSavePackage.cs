namespace StateSave.StorageSystem.Packages;

/// <summary>
/// A state-save package as <see cref="StateSavePackageReader.OpenAsync"/> found it: its manifest (null when missing or
/// unreadable), the entries the archive holds with their measured size and SHA-256, and what did not verify.
/// </summary>
public sealed record StateSavePackage(
    string Path,
    PackageManifest? Manifest,
    IReadOnlyDictionary<string, PackageEntry> Entries,
    IReadOnlyList<string> Problems)
{
    /// <summary>The manifest is there and every entry it lists is in the archive with its size and hash, and nothing else is.</summary>
    public bool IsValid => Manifest is not null && Problems.Count == 0;
}
