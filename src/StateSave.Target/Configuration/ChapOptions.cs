namespace StateSave.Target.Configuration;

/// <summary>
/// CHAP credentials for a target (RFC 7143 §12.1.3, RFC 1994). When set, the target requires CHAP: the
/// initiator must authenticate as <see cref="Username"/>/<see cref="Secret"/>. When the mutual pair is set
/// too, the target answers an initiator challenge with it (mutual CHAP).
/// </summary>
public sealed class ChapOptions
{
    /// <summary>The name the initiator must send in CHAP_N.</summary>
    public required string Username { get; init; }

    /// <summary>The initiator's secret (at least 12 bytes is recommended, RFC 7143 §12.1.3).</summary>
    public required string Secret { get; init; }

    /// <summary>The name the target sends in its CHAP_N when the initiator challenges it.</summary>
    public string? MutualUsername { get; init; }

    /// <summary>The target's secret for mutual CHAP; must differ from <see cref="Secret"/>.</summary>
    public string? MutualSecret { get; init; }
}
