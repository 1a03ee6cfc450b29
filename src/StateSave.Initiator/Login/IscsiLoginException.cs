using StateSave.Iscsi.Protocol;

namespace StateSave.Initiator.Login;

/// <summary>
/// A login that did not reach the full feature phase. <see cref="Status"/> is the target's Status-Class and
/// Status-Detail (RFC 7143 §11.13.5) when <see cref="IsTargetStatus"/> is set; otherwise the initiator itself ended
/// the login (a mutual CHAP check failed, the target broke the negotiation rules, too many redirections) and
/// <see cref="Status"/> is the status that best describes it.
/// </summary>
public sealed class IscsiLoginException : Exception
{
    public IscsiLoginException(LoginStatus status, bool isTargetStatus, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        IsTargetStatus = isTargetStatus;
    }

    public IscsiLoginException() : this(LoginStatus.InitiatorError, false, "The login failed.") { }

    public IscsiLoginException(string message) : this(LoginStatus.InitiatorError, false, message) { }

    public IscsiLoginException(string message, Exception innerException) : this(LoginStatus.InitiatorError, false, message, innerException) { }

    public LoginStatus Status { get; }

    public LoginStatusClass StatusClass => Status.StatusClass;

    public byte StatusDetail => Status.StatusDetail;

    /// <summary>True when the target sent <see cref="Status"/> in a Login Response.</summary>
    public bool IsTargetStatus { get; }

    /// <summary>True for an authentication failure, reported by the target (0201h) or found by the initiator.</summary>
    public bool IsAuthenticationFailure => Status == LoginStatus.AuthenticationFailure;
}
