using System.Collections.Concurrent;
using StateSave.Scsi;
using StateSave.Storage.Copy;
using StateSave.Storage.LogicalUnits;

namespace StateSave.Storage.Devices;

/// <summary>
/// Copy targets of an EXTENDED COPY sent to any logical unit of the SCSI target device: every block logical unit of
/// the device, named by its NAA designator (SPC-5 §6.4.5.2 identification descriptor target descriptor).
/// </summary>
internal sealed class DeviceCopyTargets(ConcurrentDictionary<LogicalUnitNumber, ILogicalUnit> units) : ICopyTargetResolver
{
    public ICopyBlockDevice? Resolve(CopyTargetDesignator designator)
    {
        foreach (ILogicalUnit unit in units.Values)
        {
            if (unit is BlockLogicalUnit block && block.CopyTarget.IsNamedBy(designator))
            {
                return block.CopyTarget;
            }
        }

        return null;
    }
}
