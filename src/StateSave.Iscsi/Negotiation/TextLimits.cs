namespace StateSave.Iscsi.Negotiation;

/// <summary>Size limits of negotiation text (RFC 7143 §6.1).</summary>
public static class TextLimits
{
    /// <summary>A key-name (standard-label) must not exceed 63 bytes.</summary>
    public const int MaxKeyLength = 63;

    /// <summary>Unless a key says otherwise, a simple-value or list-of-values is at most 255 bytes.</summary>
    public const int DefaultMaxValueLength = 255;

    /// <summary>Every implementation must accept at least 8192 bytes of key=value text in one negotiation sequence.</summary>
    public const int MinimumTotalTextLength = 8192;

    /// <summary>Default bound on the text a peer may send in one logical text data segment.</summary>
    public const int DefaultMaxTotalTextLength = 64 * 1024;

    /// <summary>
    /// CHAP_C and CHAP_R carry at most 1024 bytes of binary data (RFC 7143 §12.1.3); hex-encoded that is
    /// "0x" followed by 2048 digits.
    /// </summary>
    public const int MaxChapBinaryValueLength = 2 + (2 * 1024);
}
