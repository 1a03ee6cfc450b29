namespace StateSave.Storage.Buffers;

/// <summary>
/// What an error history snapshot (SPC-5 §5.7) is made of. The storage controller's own state save plugs in
/// here; <see cref="ErrorHistoryLog"/> is the default.
/// </summary>
public interface IErrorHistorySource
{
    /// <summary>
    /// The buffers of a new snapshot: buffer IDs 10h-EFh, each once, at most
    /// <see cref="ErrorHistory.MaximumSnapshotLength"/> bytes in all. Failing (an <see cref="IOException"/> or
    /// <see cref="InvalidOperationException"/>) ends the READ BUFFER with COMMAND SEQUENCE ERROR.
    /// </summary>
    /// <param name="currentInternalStatus">MODE SPECIFIC 001b: current internal status parameter data was asked for.</param>
    /// <param name="cancellationToken">Signalled when the command is aborted.</param>
    ValueTask<IReadOnlyList<ErrorHistoryBuffer>> CreateSnapshotAsync(bool currentInternalStatus, CancellationToken cancellationToken);
}
