using Microsoft.Extensions.Logging;
using StateSave.Scsi.Server;
using StateSave.TargetServer.Configuration;

namespace StateSave.TargetServer;

/// <summary>Builds the SCSI target device of one configured target: its logical units over their backing stores.</summary>
internal static class DeviceServerFactory
{
    public static IScsiDeviceServer Create(TargetConfiguration target, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        // Wired to StateSave.Storage (ScsiTargetDevice, BlockLogicalUnit, MemoryBlockStore, SparseFileBlockStore) once it is merged.
        throw new ConfigurationException($"target '{target.Name}': this build has no storage device server yet");
    }
}
