using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Commands;

/// <summary>The CHECK CONDITION results commands share (SPC-5 §4.4, SBC-4).</summary>
public static class CommandResults
{
    public static ScsiCommandResult InvalidFieldInCdb(int byteOffset, int? bitPointer = null) =>
        ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, byteOffset, bitPointer));

    public static ScsiCommandResult InvalidFieldInParameterList(int byteOffset, int? bitPointer = null) =>
        ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInParameterList, byteOffset, bitPointer, inCdb: false));

    public static ScsiCommandResult ParameterListLengthError =>
        ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.ParameterListLengthError));

    public static ScsiCommandResult LogicalBlockAddressOutOfRange =>
        ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.LogicalBlockAddressOutOfRange));

    public static ScsiCommandResult InvalidCommandOperationCode =>
        ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidCommandOperationCode, 0));

    public static ScsiCommandResult FromFieldError(CdbFieldError error) => ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(error));

    public static ScsiCommandResult WriteProtected =>
        ScsiCommandResult.CheckCondition(SenseData.DataProtect(AdditionalSenseCode.WriteProtected));

    public static ScsiCommandResult NotReady(AdditionalSenseCode code) => ScsiCommandResult.CheckCondition(SenseData.NotReady(code));

    public static ScsiCommandResult SavingParametersNotSupported =>
        ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.SavingParametersNotSupported));
}
