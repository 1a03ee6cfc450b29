using StateSave.Scsi.Server;

namespace StateSave.Storage.Commands;

/// <summary>Executes one command after the logical unit's common checks.</summary>
public delegate ValueTask<ScsiCommandResult> ScsiCommandHandler(CommandContext context);
