using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Commands;

/// <summary>TEST UNIT READY (SPC-5 §6.47): GOOD when the medium is accessible; NOT READY is decided before the handler.</summary>
internal static class TestUnitReady
{
    public static CommandDefinition Definition { get; } = new(ScsiOpcode.TestUnitReady, null, [0x00, 0, 0, 0, 0, 0x07],
        static _ => ValueTask.FromResult(ScsiCommandResult.Good), CommandFlags.MediumAccess);
}
