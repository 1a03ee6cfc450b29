namespace StateSave.Iscsi.Negotiation;

/// <summary>Value encodings of RFC 7143 §6.1.</summary>
public enum TextValueKind
{
    /// <summary>A standard-label (e.g. SessionType=Normal).</summary>
    StandardLabel,
    /// <summary>A text-value: letters, digits, '.', '-', '+', '@', '_', '/', '[', ']', ':' (and, for addresses, ',').</summary>
    TextValue,
    /// <summary>An iSCSI name (RFC 7143 §4.2.7).</summary>
    IscsiNameValue,
    /// <summary>Any UTF-8 string without NUL (aliases).</summary>
    IscsiLocalNameValue,
    /// <summary>Yes or No.</summary>
    Boolean,
    /// <summary>An unsigned number below 2^64, decimal or hex.</summary>
    NumericValue,
    /// <summary>Two numbers separated by '~'.</summary>
    NumericRange,
    /// <summary>A hex ("0x") or base64 ("0b") binary value.</summary>
    BinaryValue,
    /// <summary>Comma-separated values in order of preference.</summary>
    ListOfValues,
}

/// <summary>How the outcome of a key is found (RFC 7143 §6.2).</summary>
public enum NegotiationRule
{
    /// <summary>The responder picks the first value of the offerer's list it supports, or answers Reject.</summary>
    ListOfValues,
    /// <summary>The result is the AND of both values.</summary>
    BooleanAnd,
    /// <summary>The result is the OR of both values.</summary>
    BooleanOr,
    /// <summary>The result is the smaller of both values.</summary>
    NumericMinimum,
    /// <summary>The result is the larger of both values.</summary>
    NumericMaximum,
    /// <summary>The sender declares its value; no answer is given.</summary>
    Declarative,
    /// <summary>Carried by the authentication exchange (CHAP_*); not negotiated by the engine.</summary>
    AuthenticationExchange,
}

/// <summary>Which side may send a key.</summary>
[Flags]
public enum KeySenders
{
    Initiator = 1,
    Target = 2,
    Both = Initiator | Target,
}

/// <summary>When a key may be used (RFC 7143 §13, "Use:").</summary>
public enum KeyUse
{
    /// <summary>LO: only during the login of the leading connection.</summary>
    LeadingOnly,
    /// <summary>IO: only during the login of any connection.</summary>
    InitializeOnly,
    /// <summary>FFPO: only in the Full Feature Phase.</summary>
    FullFeatureOnly,
    /// <summary>ALL: during login and in the Full Feature Phase.</summary>
    Any,
}

/// <summary>Whether a key applies to the whole session or only the connection it is negotiated on.</summary>
public enum KeyScope
{
    SessionWide,
    ConnectionOnly,
}

/// <summary>The stages where a key may be sent.</summary>
[Flags]
public enum NegotiationStages
{
    None = 0,
    SecurityNegotiation = 1,
    OperationalNegotiation = 2,
    FullFeaturePhase = 4,
    Login = SecurityNegotiation | OperationalNegotiation,
}

/// <summary>The side an engine negotiates for.</summary>
public enum NegotiationRole
{
    Initiator,
    Target,
}

/// <summary>SessionType (RFC 7143 §13.21).</summary>
public enum SessionType
{
    Normal,
    Discovery,
}

/// <summary>HeaderDigest and DataDigest values (RFC 7143 §13.1).</summary>
public enum DigestType
{
    None,
    Crc32C,
}
