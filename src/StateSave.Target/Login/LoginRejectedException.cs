using StateSave.Iscsi.Protocol;

namespace StateSave.Target.Login;

/// <summary>A login that must end with a non-success status class (RFC 7143 §11.13.5); the target answers and closes.</summary>
internal sealed class LoginRejectedException : Exception
{
    public LoginRejectedException(LoginStatus status, string reason) : base(reason) => Status = status;

    public LoginRejectedException() : this(LoginStatus.InitiatorError, "login rejected")
    {
    }

    public LoginRejectedException(string message) : this(LoginStatus.InitiatorError, message)
    {
    }

    public LoginRejectedException(string message, Exception innerException) : base(message, innerException) =>
        Status = LoginStatus.InitiatorError;

    public LoginStatus Status { get; }

    /// <summary>TargetAddress to send with a redirection status.</summary>
    public string? RedirectAddress { get; init; }
}
