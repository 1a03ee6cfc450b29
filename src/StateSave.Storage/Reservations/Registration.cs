using StateSave.Scsi.Server;

namespace StateSave.Storage.Reservations;

/// <summary>
/// One registration (SPC-5 §5.14.7): a reservation key held for the I_T nexuses it names. Made by REGISTER
/// through a nexus it names exactly one I_T nexus; through SPEC_I_PT a TransportID of format 00b names every
/// port of an initiator device (<see cref="Isid"/> null), and ALL_TG_PT names every target port
/// (<see cref="RelativeTargetPortIdentifier"/> null).
/// </summary>
internal sealed class Registration
{
    public Registration(IscsiTransportId initiator, ushort? relativeTargetPortIdentifier, ulong key, ITNexus? nexus)
    {
        Initiator = initiator;
        RelativeTargetPortIdentifier = relativeTargetPortIdentifier;
        Key = key;
        Nexus = nexus;
    }

    public IscsiTransportId Initiator { get; }

    public string? Isid => Initiator.Isid;

    /// <summary>The target port, or null for all target ports (ALL_TG_PT).</summary>
    public ushort? RelativeTargetPortIdentifier { get; }

    public ulong Key { get; set; }

    /// <summary>The nexus that made the registration, when one did (for unit attentions).</summary>
    public ITNexus? Nexus { get; set; }

    /// <summary>Whether <paramref name="nexus"/> is one of the I_T nexuses this registration names (allocation free).</summary>
    public bool Matches(ITNexus nexus)
    {
        if (RelativeTargetPortIdentifier is { } port && port != nexus.RelativeTargetPortIdentifier)
        {
            return false;
        }

        if (!string.Equals(Initiator.Name, nexus.InitiatorName, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (Isid is null)
        {
            return true;
        }

        ReadOnlySpan<char> portName = nexus.InitiatorPortName;
        int separator = portName.LastIndexOf(",i,0x", StringComparison.OrdinalIgnoreCase);
        return separator >= 0 && portName[(separator + 5)..].Equals(Isid, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether the two registrations name at least one I_T nexus in common.</summary>
    public bool Overlaps(IscsiTransportId initiator, ushort? relativeTargetPortIdentifier)
    {
        bool samePort = RelativeTargetPortIdentifier is null || relativeTargetPortIdentifier is null
            || RelativeTargetPortIdentifier == relativeTargetPortIdentifier;
        return samePort && string.Equals(Initiator.Name, initiator.Name, StringComparison.OrdinalIgnoreCase)
            && (Isid is null || initiator.Isid is null || string.Equals(Isid, initiator.Isid, StringComparison.Ordinal));
    }
}
