namespace StateSave.Iscsi.Protocol;

/// <summary>The reserved tag value 0xffffffff (RFC 7143 §11.2.1.8, §11.18.1).</summary>
public static class ReservedTag
{
    public const uint Value = 0xFFFF_FFFFu;
}
