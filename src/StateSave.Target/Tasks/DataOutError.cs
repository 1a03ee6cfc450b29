using StateSave.Scsi;

namespace StateSave.Target.Tasks;

/// <summary>Why a command's Data-Out was refused: the sense the command ends with and a line for the log.</summary>
internal sealed record DataOutError(SenseData Sense, string Detail);
