namespace StateSave.Iscsi.Protocol;

/// <summary>The Status-Class field of a Login Response (RFC 7143 §11.13.5).</summary>
public enum LoginStatusClass : byte
{
    Success = 0,
    Redirection = 1,
    InitiatorError = 2,
    TargetError = 3,
}

/// <summary>
/// A Login Response status: Status-Class and Status-Detail (RFC 7143 §11.13.5, table in §11.13.5).
/// </summary>
public readonly record struct LoginStatus(LoginStatusClass StatusClass, byte StatusDetail)
{
    public static LoginStatus Success => new(LoginStatusClass.Success, 0x00);
    public static LoginStatus TargetMovedTemporarily => new(LoginStatusClass.Redirection, 0x01);
    public static LoginStatus TargetMovedPermanently => new(LoginStatusClass.Redirection, 0x02);
    public static LoginStatus InitiatorError => new(LoginStatusClass.InitiatorError, 0x00);
    public static LoginStatus AuthenticationFailure => new(LoginStatusClass.InitiatorError, 0x01);
    public static LoginStatus AuthorizationFailure => new(LoginStatusClass.InitiatorError, 0x02);
    public static LoginStatus NotFound => new(LoginStatusClass.InitiatorError, 0x03);
    public static LoginStatus TargetRemoved => new(LoginStatusClass.InitiatorError, 0x04);
    public static LoginStatus UnsupportedVersion => new(LoginStatusClass.InitiatorError, 0x05);
    public static LoginStatus TooManyConnections => new(LoginStatusClass.InitiatorError, 0x06);
    public static LoginStatus MissingParameter => new(LoginStatusClass.InitiatorError, 0x07);
    public static LoginStatus CannotIncludeInSession => new(LoginStatusClass.InitiatorError, 0x08);
    public static LoginStatus SessionTypeNotSupported => new(LoginStatusClass.InitiatorError, 0x09);
    public static LoginStatus SessionDoesNotExist => new(LoginStatusClass.InitiatorError, 0x0a);
    public static LoginStatus InvalidDuringLogin => new(LoginStatusClass.InitiatorError, 0x0b);
    public static LoginStatus TargetError => new(LoginStatusClass.TargetError, 0x00);
    public static LoginStatus ServiceUnavailable => new(LoginStatusClass.TargetError, 0x01);
    public static LoginStatus OutOfResources => new(LoginStatusClass.TargetError, 0x02);

    public bool IsSuccess => StatusClass == LoginStatusClass.Success;

    public override string ToString() => $"{StatusClass}/0x{StatusDetail:x2}";
}
