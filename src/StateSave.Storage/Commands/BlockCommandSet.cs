using StateSave.Storage.LogicalUnits;

namespace StateSave.Storage.Commands;

/// <summary>
/// The block commands of a direct-access logical unit (SPC-5 and SBC-4). The SPC services (reservations, READ/WRITE
/// BUFFER, target port groups, EXTENDED COPY and RECEIVE COPY RESULTS) register theirs in BlockLogicalUnit.Services.cs.
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
