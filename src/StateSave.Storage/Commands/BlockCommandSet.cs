using StateSave.Storage.LogicalUnits;

namespace StateSave.Storage.Commands;

/// <summary>
/// The commands of a direct-access logical unit (SPC-5 and SBC-4). Not here yet, so INVALID COMMAND
/// OPERATION CODE until registered by their components: PERSISTENT RESERVE IN/OUT, RESERVE/RELEASE (6, 10),
/// READ/WRITE BUFFER, REPORT TARGET PORT GROUPS, EXTENDED COPY, RECEIVE COPY RESULTS.
/// </summary>
internal static class BlockCommandSet
{
    public static void RegisterAll(CommandTable table, BlockLogicalUnitOptions options)
    {
        IEnumerable<CommandDefinition> all =
        [
            TestUnitReady.Definition,
            RequestSense.Definition,
            Inquiry.Definition,
            ReportLuns.Definition,
            ReadCapacity.Definition10,
            ReadCapacity.Definition16,
            .. Read.Definitions,
            .. Write.Definitions,
            .. Verify.Definitions,
            .. WriteAndVerify.Definitions,
            .. SynchronizeCache.Definitions,
            .. PreFetch.Definitions,
            .. ModeSense.Definitions,
            .. ModeSelect.Definitions,
            StartStopUnit.Definition,
            PreventAllowMediumRemoval.Definition,
            .. WriteSame.Definitions,
            CompareAndWrite.Definition,
            OrWrite.Definition,
            GetLbaStatus.Definition,
            ReportSupportedOperationCodes.Definition,
            ReportSupportedTaskManagementFunctions.Definition,
            .. Sanitize.Definitions(options.ThinProvisioning),
            .. ReadDefectData.Definitions,
        ];
        foreach (CommandDefinition definition in all)
        {
            table.Register(definition);
        }

        if (options.ThinProvisioning)
        {
            table.Register(Unmap.Definition);
        }

        if (options.MaximumAtomicTransferLength != 0)
        {
            table.Register(WriteAtomic.Definition);
        }
    }
}
