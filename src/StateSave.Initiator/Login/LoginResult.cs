using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;

namespace StateSave.Initiator.Login;

/// <summary>What a successful login settled: the parameters, the TSIH and the sequence numbers to start from.</summary>
internal sealed record LoginResult
{
    public required NegotiatedParameters Parameters { get; init; }

    public ushort Tsih { get; init; }

    /// <summary>The ExpStatSN the first full feature PDU carries (the final Login Response's StatSN + 1).</summary>
    public uint ExpStatSN { get; init; }

    public uint ExpCmdSN { get; init; }

    public uint MaxCmdSN { get; init; }

    /// <summary>Set (and nothing else meaningful) when the target redirected the login (status class 1).</summary>
    public string? RedirectAddress { get; init; }

    public LoginStatus Status { get; init; } = LoginStatus.Success;
}
