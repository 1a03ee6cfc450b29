using StateSave.Initiator.Scsi;

namespace StateSave.Host.Failover;

/// <summary>
/// How the failover driver recognises one logical unit behind several paths: its Device Identification (VPD 83h)
/// designator of association 0 (the LU itself), preferring NAA, then EUI-64, SCSI name string and T10 vendor ID
/// (SPC-5 §7.7.6); the unit serial number (VPD 80h) with the product only when none is present.
/// </summary>
/// <param name="Key">"naa.6001405...", "eui.…", "name.…", "t10.…" or "serial.…": equal keys are the same LU.</param>
public sealed record LogicalUnitIdentity(string Key)
{
    /// <summary>The identity from the designators of VPD page 83h; null when the page names the LU by nothing usable.</summary>
    public static LogicalUnitIdentity? FromDesignators(IReadOnlyList<Designator> designators)
    {
        ArgumentNullException.ThrowIfNull(designators);
        var own = designators.Where(d => d.Association == DesignatorAssociation.LogicalUnit).ToList();
        if (own.FirstOrDefault(d => d.Type == DesignatorType.Naa) is { } naa)
        {
            return new("naa." + naa.Naa);
        }

        if (own.FirstOrDefault(d => d.Type == DesignatorType.Eui64) is { } eui)
        {
            return new("eui." + Convert.ToHexStringLower(eui.Value.Span));
        }

        if (own.FirstOrDefault(d => d.Type == DesignatorType.ScsiNameString) is { Text: { Length: > 0 } name })
        {
            return new("name." + name);
        }

        if (own.FirstOrDefault(d => d.Type == DesignatorType.T10VendorIdentification) is { Text: { Length: > 0 } t10 })
        {
            return new("t10." + t10);
        }

        return null;
    }

    public override string ToString() => Key;
}
