namespace StateSave.StorageSystem.Collection;

/// <summary>
/// What hosts without the in-band key pushed with standard WRITE BUFFER mode 1Ch (application client error history,
/// SPC-5 §6.48): a collection adds the entries written during its window to those hosts' part of the package.
/// </summary>
public interface IStockHostHistory
{
    /// <summary>The entries <paramref name="initiatorName"/> wrote since <paramref name="since"/>, oldest first.</summary>
    IReadOnlyList<byte[]> EntriesOf(string initiatorName, DateTimeOffset since);
}
