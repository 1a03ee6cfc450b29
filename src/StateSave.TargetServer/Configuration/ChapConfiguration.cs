namespace StateSave.TargetServer.Configuration;

/// <summary>CHAP credentials of a target (RFC 7143 §12.1.3): required when present; mutual when the mutual pair is set.</summary>
public sealed class ChapConfiguration
{
    /// <summary>The name the initiator must send in CHAP_N.</summary>
    public string? Username { get; set; }

    /// <summary>The initiator's secret.</summary>
    public string? Secret { get; set; }

    /// <summary>The target's name for mutual CHAP.</summary>
    public string? MutualUsername { get; set; }

    /// <summary>The target's secret for mutual CHAP (must differ from <see cref="Secret"/>).</summary>
    public string? MutualSecret { get; set; }
}
