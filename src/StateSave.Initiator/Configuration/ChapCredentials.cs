namespace StateSave.Initiator.Configuration;

/// <summary>
/// CHAP credentials for the security stage (RFC 7143 §12.1.3). <see cref="Username"/>/<see cref="Secret"/> answer the
/// target's challenge; when <see cref="MutualUsername"/> and <see cref="MutualSecret"/> are set the initiator also
/// challenges the target and checks its answer (mutual CHAP).
/// </summary>
public sealed record ChapCredentials
{
    public required string Username { get; init; }

    public required string Secret { get; init; }

    /// <summary>The CHAP_N the target must answer with in mutual CHAP.</summary>
    public string? MutualUsername { get; init; }

    /// <summary>The secret the target must prove it knows in mutual CHAP.</summary>
    public string? MutualSecret { get; init; }

    public bool IsMutual => MutualSecret is not null;
}
