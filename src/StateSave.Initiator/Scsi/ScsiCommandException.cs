using StateSave.Initiator.Commands;

namespace StateSave.Initiator.Scsi;

/// <summary>A typed client call whose command did not end with GOOD status; <see cref="Response"/> says how it ended.</summary>
public sealed class ScsiCommandException : Exception
{
    public ScsiCommandException(string operation, ScsiCommandResponse response)
        : base($"{operation} failed: {response}.")
    {
        Operation = operation;
        Response = response;
    }

    public ScsiCommandException() : base("The SCSI command failed.") => Operation = string.Empty;

    public ScsiCommandException(string message) : base(message) => Operation = string.Empty;

    public ScsiCommandException(string message, Exception innerException) : base(message, innerException) => Operation = string.Empty;

    public string Operation { get; }

    public ScsiCommandResponse Response { get; }
}
