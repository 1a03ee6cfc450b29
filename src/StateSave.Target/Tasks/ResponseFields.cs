using StateSave.Scsi;

namespace StateSave.Target.Tasks;

/// <summary>The status and residual fields of a command's final PDU (RFC 7143 §11.4.5).</summary>
internal readonly record struct ResponseFields(ScsiStatus Status, bool Overflow, bool Underflow, uint ResidualCount)
{
    /// <summary>RFC 7143 §11.4.5: overflow when more was asked for than expected, underflow when less.</summary>
    public static (bool Overflow, bool Underflow, uint Count) Residual(long requested, uint expected) =>
        requested > expected ? (true, false, (uint)Math.Min(requested - expected, uint.MaxValue))
        : requested < expected ? (false, true, (uint)(expected - requested))
        : (false, false, 0u);
}
