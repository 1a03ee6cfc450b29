using StateSave.StorageSystem.Packages;

namespace StateSave.StorageSystem.Collection;

/// <summary>The storage controller's own state save: written into the package first (entries under <c>controller/</c>).</summary>
public interface IControllerStateSource
{
    /// <summary>Freezes the controller's state for <paramref name="failure"/> and writes it as entries of <paramref name="package"/>.</summary>
    ValueTask<IReadOnlyList<PackageEntry>> SaveStateAsync(FailureReport failure, StateSavePackageWriter package, CancellationToken cancellationToken);
}
