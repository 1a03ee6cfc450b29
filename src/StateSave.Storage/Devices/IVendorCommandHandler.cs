using StateSave.Scsi.Server;

namespace StateSave.Storage.Devices;

/// <summary>
/// A vendor-specific command (operation codes C0h-FFh, SPC-5 §4.2.5.1) an embedding firmware simulator adds.
/// Called after the logical unit's unit attention, reservation and task ordering checks.
/// </summary>
public interface IVendorCommandHandler
{
    ValueTask<ScsiCommandResult> ExecuteAsync(IScsiCommand command, CancellationToken cancellationToken);
}
