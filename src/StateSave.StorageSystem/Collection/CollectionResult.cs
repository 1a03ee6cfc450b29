using StateSave.StorageSystem.Packages;

namespace StateSave.StorageSystem.Collection;

/// <summary>The package a collection wrote and its manifest.</summary>
public sealed record CollectionResult(string PackagePath, PackageManifest Manifest, TimeSpan Elapsed);
