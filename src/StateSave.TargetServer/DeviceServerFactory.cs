using Microsoft.Extensions.Logging;
using StateSave.Scsi;
using StateSave.Storage.BackingStores;
using StateSave.Storage.Devices;
using StateSave.Storage.LogicalUnits;
using StateSave.TargetServer.Configuration;

namespace StateSave.TargetServer;

/// <summary>Builds the SCSI target device of one configured target: its logical units over their backing stores, and its LUN masks.</summary>
internal static class DeviceServerFactory
{
    /// <summary>The device, and the backing stores to dispose once the server stopped.</summary>
    public static (ScsiTargetDevice Device, IReadOnlyList<IDisposable> Resources) Create(TargetConfiguration target, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var device = new ScsiTargetDevice(loggerFactory.CreateLogger<ScsiTargetDevice>());
        var resources = new List<IDisposable>();
        try
        {
            foreach (LunConfiguration lun in target.Luns)
            {
                IBlockStore store = CreateStore(target, lun);
                if (store is IDisposable disposable)
                {
                    resources.Add(disposable);
                }

                var options = new BlockLogicalUnitOptions
                {
                    Store = store,
                    ThinProvisioning = lun.ThinProvisioning,
                    WriteProtected = lun.ReadOnly,
                    Removable = lun.Removable,
                    MaximumWriteSameLength = lun.MaximumWriteSameLength ?? BlockLogicalUnitOptions.DefaultMaximumWriteSameLength,
                    LogicalBlocksPerPhysicalBlockExponent = (byte)(lun.PhysicalBlockExponent ?? 0),
                    VendorIdentification = lun.Vendor ?? "STATESAV",
                    ProductIdentification = lun.Product ?? "VIRTUAL-DISK",
                    // Unique per target and LUN unless configured: VPD 80h/83h identify the LU across paths.
                    UnitSerialNumber = lun.Serial ?? DefaultSerial(target.Name!, lun.Lun),
                };
                device.AddLogicalUnit(LogicalUnitNumber.FromSingleLevel(lun.Lun), new BlockLogicalUnit(options, loggerFactory.CreateLogger<BlockLogicalUnit>()));
            }

            ApplyLunMasks(device, target);
            return (device, resources);
        }
        catch
        {
            resources.ForEach(r => r.Dispose());
            throw;
        }
    }

    private static IBlockStore CreateStore(TargetConfiguration target, LunConfiguration lun)
    {
        if (!SizeSyntax.TryParse(lun.Size, out long bytes, out string? problem))
        {
            throw new ConfigurationException($"target '{target.Name}' LUN {lun.Lun}: {problem}");
        }

        ulong blocks = (ulong)(bytes / lun.BlockSize);
        if (lun.Backing == BackingStoreKind.Memory)
        {
            return new MemoryBlockStore(blocks, lun.BlockSize);
        }

        try
        {
            return new SparseFileBlockStore(lun.Path!, blocks, lun.BlockSize);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"target '{target.Name}' LUN {lun.Lun}: cannot open the sparse file '{lun.Path}': {exception.Message}");
        }
    }

    // The device masks per initiator name: each initiator the target admits sees the LUNs open to all plus those naming it.
    private static void ApplyLunMasks(ScsiTargetDevice device, TargetConfiguration target)
    {
        if (target.AllowedInitiators is null || target.Luns.All(l => l.AllowedInitiators is null))
        {
            return;
        }

        foreach (string initiator in target.AllowedInitiators)
        {
            device.SetLunMask(initiator, target.Luns
                .Where(l => l.AllowedInitiators is null || l.AllowedInitiators.Contains(initiator, StringComparer.Ordinal))
                .Select(l => LogicalUnitNumber.FromSingleLevel(l.Lun)));
        }
    }

    private static string DefaultSerial(string targetName, int lun)
    {
        // A stable 16-hex-digit serial from the target name and LUN (FNV-1a), so restarts keep the identity.
        ulong hash = 14695981039346656037;
        foreach (char c in $"{targetName}/{lun}")
        {
            hash = (hash ^ c) * 1099511628211;
        }

        return hash.ToString("X16", System.Globalization.CultureInfo.InvariantCulture);
    }
}
