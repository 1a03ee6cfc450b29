using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Target.Security;
using StateSave.Target.Sessions;

namespace StateSave.Target.Login;

/// <summary>What a connection has learned during its login phase (RFC 7143 §6).</summary>
internal sealed class LoginState
{
    public bool FirstRequestSeen { get; set; }

    public Isid Isid { get; set; }

    public ushort Tsih { get; set; }

    public ushort Cid { get; set; }

    public uint InitiatorTaskTag { get; set; }

    public uint CmdSN { get; set; }

    /// <summary>The stage the target is in: the CSG the next request must carry.</summary>
    public LoginStage Stage { get; set; }

    /// <summary>Whether the target has sent its own offers for <see cref="Stage"/>.</summary>
    public bool OfferedInStage { get; set; }

    public string? InitiatorName { get; set; }

    public SessionType SessionType { get; set; }

    public TargetNode? Target { get; set; }

    /// <summary>The session a login with a non-zero TSIH adds a connection to (or reinstates one of).</summary>
    public TargetSession? ExistingSession { get; set; }

    public NegotiationEngine? Engine { get; set; }

    public NegotiationSettings? Settings { get; set; }

    public ChapAuthenticator? Chap { get; set; }

    public TextSegmentAssembler Assembler { get; } = new();
}
