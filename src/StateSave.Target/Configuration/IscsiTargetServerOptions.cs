namespace StateSave.Target.Configuration;

/// <summary>Everything an <see cref="IscsiTargetServer"/> serves: its portals, its targets, and per-session limits.</summary>
public sealed class IscsiTargetServerOptions
{
    public IList<PortalOptions> Portals { get; init; } = [];

    public IList<TargetOptions> Targets { get; init; } = [];

    public SessionLimits Limits { get; init; } = new();

    /// <summary>Offer CRC32C header and data digests (the initiator decides whether they are used).</summary>
    public bool OfferDigests { get; init; } = true;
}
