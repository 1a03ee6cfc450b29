using System.Text.Json;
using StateSave.Storage.Buffers;

namespace StateSave.StorageSystem.Systems;

/// <summary>
/// The storage controller's own state save behind READ BUFFER mode 1Ch (SPC-5 §5.7): when a host creates an error
/// history snapshot (BUFFER ID 01h-03h), buffer 10h holds the controller state as JSON (the same document a collection
/// packages as controller/state.json) and buffer 11h the logical unit's own error history log.
/// </summary>
internal sealed class ControllerErrorHistorySource(Func<object> controllerState, Func<ErrorHistoryLog> logicalUnitLog) : IErrorHistorySource
{
    public async ValueTask<IReadOnlyList<ErrorHistoryBuffer>> CreateSnapshotAsync(bool currentInternalStatus, CancellationToken cancellationToken)
    {
        byte[] state = JsonSerializer.SerializeToUtf8Bytes(controllerState(), Json);
        if (state.Length > ErrorHistory.MaximumSnapshotLength / 2)
        {
            state = state[..(ErrorHistory.MaximumSnapshotLength / 2)];
        }

        IReadOnlyList<ErrorHistoryBuffer> own = await ((IErrorHistorySource)logicalUnitLog()).CreateSnapshotAsync(currentInternalStatus, cancellationToken).ConfigureAwait(false);
        byte[] events = [.. own.SelectMany(b => b.Data.ToArray())];
        return
        [
            new ErrorHistoryBuffer(0x10, currentInternalStatus ? (byte)0x01 : (byte)0x02, 0, state),
            new ErrorHistoryBuffer(0x11, 0x00, 0, events),
        ];
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
}
