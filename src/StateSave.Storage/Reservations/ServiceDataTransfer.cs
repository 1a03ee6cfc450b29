using StateSave.Scsi.Server;

namespace StateSave.Storage.Reservations;

/// <summary>Data-Out and Data-In helpers shared by the device-server components (reservations, buffers, port groups, copy).</summary>
internal static class ServiceDataTransfer
{
    /// <summary>Receives Data-Out until <paramref name="destination"/> is full or the initiator has no more; returns the bytes placed.</summary>
    public static async ValueTask<int> ReceiveAsync(IScsiCommand command, Memory<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int count = await command.ReceiveDataOutAsync(destination[total..], command.Aborted).ConfigureAwait(false);
            if (count <= 0)
            {
                break;
            }

            total += count;
        }

        return total;
    }

    /// <summary>Sends at most <paramref name="allocationLength"/> bytes of <paramref name="data"/> (SPC-5 §4.2.5.6: the rest is not an error).</summary>
    public static ValueTask SendAsync(IScsiCommand command, ReadOnlyMemory<byte> data, uint allocationLength) =>
        data.Length == 0 || allocationLength == 0
            ? ValueTask.CompletedTask
            : command.SendDataInAsync(data[..(int)Math.Min((uint)data.Length, allocationLength)], command.Aborted);
}
