using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using StateSave.Host.Hosts;
using StateSave.Initiator.InBand;
using StateSave.Scsi.InBand;

namespace StateSave.Host.Failover;

/// <summary>
/// What the failover driver freezes for a STATE SAVE (specs/in-band-state-save.md §3): one instant of the whole host —
/// the HBA driver (ports, sessions, counters, recent events) and the failover driver (devices, paths, ALUA states,
/// history) as JSON, and each registered application's log as text lines — limited to the scope asked.
/// </summary>
public sealed class HostStateSaveSource(EmulatedHost host) : IHostSnapshotSource
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    public string HostName => host.Name;

    public ValueTask<IReadOnlyList<SnapshotBuffer>> FreezeAsync(ulong failureId, StateSaveScope scope, StateSaveParameters parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        HostSnapshot snapshot = host.ToSnapshot(); // one instant for every layer
        var buffers = new List<SnapshotBuffer>();
        if ((scope & StateSaveScope.HbaDriver) != 0)
        {
            buffers.Add(new SnapshotBuffer("hba-driver", SnapshotBuffer.HbaDriverFormat, "application/json", JsonSerializer.SerializeToUtf8Bytes(snapshot.Hba, Json)));
        }

        if ((scope & StateSaveScope.FailoverDriver) != 0)
        {
            buffers.Add(new SnapshotBuffer("failover-driver", SnapshotBuffer.FailoverDriverFormat, "application/json",
                JsonSerializer.SerializeToUtf8Bytes(snapshot.Failover, Json)));
        }

        if ((scope & StateSaveScope.Applications) != 0)
        {
            foreach (ApplicationSnapshot application in snapshot.Applications)
            {
                buffers.Add(new SnapshotBuffer("application/" + application.Name, SnapshotBuffer.ApplicationLogFormat, "text/plain",
                    ApplicationLogText.Encode(application, Json)));
            }
        }

        host.Hba.Record(Hba.HbaEventKind.StateSaveRequest, "host", null,
            string.Create(CultureInfo.InvariantCulture, $"snapshot frozen for failure {failureId:x16} ({parameters.FailedComponent})"));
        return ValueTask.FromResult<IReadOnlyList<SnapshotBuffer>>(buffers);
    }
}
