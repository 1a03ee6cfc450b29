namespace StateSave.Iscsi.Protocol;

/// <summary>Which digests are in force on a connection (RFC 7143 §13.1; digests are off during login).</summary>
[Flags]
public enum DigestOptions
{
    None = 0,
    HeaderDigest = 1,
    DataDigest = 2,
    Both = HeaderDigest | DataDigest,
}
