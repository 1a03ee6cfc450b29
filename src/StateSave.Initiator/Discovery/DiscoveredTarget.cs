using StateSave.Iscsi.Negotiation;

namespace StateSave.Initiator.Discovery;

/// <summary>One target named in a SendTargets answer, with the portals it listed.</summary>
public sealed record DiscoveredTarget(string Name, IReadOnlyList<TargetPortalAddress> Addresses)
{
    /// <summary>
    /// Groups SendTargets pairs (RFC 7143 Appendix C): each TargetName starts a target, the TargetAddress pairs after
    /// it belong to it. Addresses that do not parse are skipped, as are addresses before any TargetName.
    /// </summary>
    public static IReadOnlyList<DiscoveredTarget> FromSendTargets(IReadOnlyList<TextKeyValue> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var targets = new List<DiscoveredTarget>();
        string? name = null;
        var addresses = new List<TargetPortalAddress>();
        foreach (TextKeyValue pair in pairs)
        {
            if (pair.Key == TextKeyNames.TargetName)
            {
                if (name is not null)
                {
                    targets.Add(new DiscoveredTarget(name, addresses));
                }

                name = pair.Value;
                addresses = [];
            }
            else if (pair.Key == TextKeyNames.TargetAddress && name is not null
                && TargetPortalAddress.TryParse(pair.Value, out TargetPortalAddress address))
            {
                addresses.Add(address);
            }
        }

        if (name is not null)
        {
            targets.Add(new DiscoveredTarget(name, addresses));
        }

        return targets;
    }
}
