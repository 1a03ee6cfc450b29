namespace StateSave.Storage.ModePages;

/// <summary>Mode page codes a direct-access logical unit implements (SPC-5 §7.5, SBC-4 §6.5).</summary>
public static class ModePageCode
{
    public const byte ReadWriteErrorRecovery = 0x01;
    public const byte Caching = 0x08;
    public const byte Control = 0x0a;
    public const byte InformationalExceptionsControl = 0x1c;

    /// <summary>Return all mode pages (MODE SENSE only).</summary>
    public const byte AllPages = 0x3f;
}
