using System.Globalization;
using System.Net;
using StateSave.Target.Names;

namespace StateSave.TargetServer.Configuration;

/// <summary>Checks a whole configuration and lists every problem with where it is (e.g. "targets[0].luns[1].size: ...").</summary>
public static class ConfigurationValidator
{
    /// <summary>SPC-5 flat addressing (§4.6.10): a single-level LUN of 0-16383.</summary>
    public const int MaxLun = 16383;

    /// <summary>RFC 7143 §12.1.3: CHAP secrets of at least 12 bytes.</summary>
    public const int MinChapSecretLength = 12;

    /// <summary>The logical block lengths the server offers.</summary>
    public static readonly IReadOnlyList<int> BlockSizes = [512, 4096];

    /// <summary>Every problem of <paramref name="configuration"/>; empty when it can be served.</summary>
    public static IReadOnlyList<string> Validate(ServerConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        var tags = new HashSet<int>();
        CheckPortals(configuration.Portals, tags, problems);

        if (configuration.Targets is null || configuration.Targets.Count == 0)
        {
            problems.Add("targets: at least one target is required");
            return problems;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int t = 0; t < configuration.Targets.Count; t++)
        {
            string at = $"targets[{t}]";
            TargetConfiguration? target = configuration.Targets[t];
            if (target is null)
            {
                problems.Add($"{at}: a target is required, not null");
                continue;
            }

            CheckTarget(target, at, tags, names, problems);
        }

        return problems;
    }

    /// <summary>Throws a <see cref="ConfigurationException"/> listing every problem, if there is any.</summary>
    public static void ThrowIfInvalid(ServerConfiguration configuration)
    {
        IReadOnlyList<string> problems = Validate(configuration);
        if (problems.Count > 0)
        {
            throw new ConfigurationException(problems);
        }
    }

    private static void CheckPortals(IList<PortalConfiguration>? portals, HashSet<int> tags, List<string> problems)
    {
        if (portals is null || portals.Count == 0)
        {
            problems.Add("portals: at least one portal is required");
            return;
        }

        var bound = new HashSet<IPEndPoint>();
        for (int p = 0; p < portals.Count; p++)
        {
            string at = $"portals[{p}]";
            PortalConfiguration? portal = portals[p];
            if (portal is null)
            {
                problems.Add($"{at}: a portal is required, not null");
                continue;
            }

            if (!EndPointSyntax.TryParse(portal.EndPoint, out IPEndPoint? endPoint, out string? problem))
            {
                problems.Add($"{at}.endPoint: {problem}");
            }
            else if (endPoint.Port != 0 && !bound.Add(endPoint))
            {
                problems.Add($"{at}.endPoint: {endPoint} is configured twice");
            }

            if (CheckTag(portal.PortalGroupTag, $"{at}.portalGroupTag", problems))
            {
                tags.Add(portal.PortalGroupTag);
            }
        }
    }

    private static bool CheckTag(int tag, string at, List<string> problems)
    {
        if (tag is >= 1 and <= ushort.MaxValue)
        {
            return true;
        }

        problems.Add($"{at}: {tag} is not a portal group tag (1-65535)");
        return false;
    }

    private static void CheckTarget(TargetConfiguration target, string at, HashSet<int> tags, HashSet<string> names, List<string> problems)
    {
        if (!IscsiName.IsValid(target.Name, out string? nameProblem))
        {
            problems.Add($"{at}.name: '{target.Name}' is not an iSCSI name: {nameProblem}");
        }
        else if (!names.Add(target.Name!))
        {
            problems.Add($"{at}.name: target '{target.Name}' is configured twice");
        }

        if (target.Alias is { } alias && (alias.Length == 0 || alias.Length > 255 || alias.Any(char.IsControl)))
        {
            problems.Add($"{at}.alias: an alias is 1-255 printable characters");
        }

        if (target.PortalGroupTags is { } groups)
        {
            if (groups.Count == 0)
            {
                problems.Add($"{at}.portalGroupTags: an empty list makes the target unreachable; omit it for every portal group");
            }

            for (int g = 0; g < groups.Count; g++)
            {
                if (CheckTag(groups[g], $"{at}.portalGroupTags[{g}]", problems) && tags.Count > 0 && !tags.Contains(groups[g]))
                {
                    problems.Add($"{at}.portalGroupTags[{g}]: no portal is in portal group {groups[g]}");
                }
            }
        }

        CheckInitiators(target.AllowedInitiators, $"{at}.allowedInitiators", problems);
        if (target.Chap is { } chap)
        {
            CheckChap(chap, $"{at}.chap", problems);
        }

        if (target.Luns is null || target.Luns.Count == 0)
        {
            problems.Add($"{at}.luns: at least one logical unit is required");
            return;
        }

        var numbers = new HashSet<int>();
        for (int l = 0; l < target.Luns.Count; l++)
        {
            string lunAt = $"{at}.luns[{l}]";
            LunConfiguration? lun = target.Luns[l];
            if (lun is null)
            {
                problems.Add($"{lunAt}: a logical unit is required, not null");
                continue;
            }

            if (lun.Lun is < 0 or > MaxLun)
            {
                problems.Add($"{lunAt}.lun: {lun.Lun} is not a logical unit number (0-{MaxLun})");
            }
            else if (!numbers.Add(lun.Lun))
            {
                problems.Add($"{lunAt}.lun: LUN {lun.Lun} is configured twice");
            }

            CheckLun(lun, lunAt, target.AllowedInitiators, problems);
        }
    }

    private static void CheckInitiators(IList<string>? initiators, string at, List<string> problems)
    {
        if (initiators is null)
        {
            return;
        }

        for (int i = 0; i < initiators.Count; i++)
        {
            if (!IscsiName.IsValid(initiators[i], out string? problem))
            {
                problems.Add($"{at}[{i}]: '{initiators[i]}' is not an iSCSI name: {problem}");
            }
        }
    }

    private static void CheckChap(ChapConfiguration chap, string at, List<string> problems)
    {
        if (string.IsNullOrEmpty(chap.Username))
        {
            problems.Add($"{at}.username: required with CHAP");
        }

        if (chap.Secret is null || chap.Secret.Length < MinChapSecretLength)
        {
            problems.Add($"{at}.secret: required with CHAP, at least {MinChapSecretLength} characters (RFC 7143 §12.1.3)");
        }

        bool hasMutualName = !string.IsNullOrEmpty(chap.MutualUsername);
        bool hasMutualSecret = chap.MutualSecret is not null;
        if (hasMutualName != hasMutualSecret)
        {
            problems.Add($"{at}: mutual CHAP needs both mutualUsername and mutualSecret");
        }
        else if (hasMutualSecret)
        {
            if (chap.MutualSecret!.Length < MinChapSecretLength)
            {
                problems.Add($"{at}.mutualSecret: at least {MinChapSecretLength} characters (RFC 7143 §12.1.3)");
            }
            else if (string.Equals(chap.MutualSecret, chap.Secret, StringComparison.Ordinal))
            {
                problems.Add($"{at}.mutualSecret: must differ from secret (RFC 7143 §12.1.3)");
            }
        }
    }

    private static void CheckLun(LunConfiguration lun, string at, IList<string>? targetInitiators, List<string> problems)
    {
        bool blockSizeValid = BlockSizes.Contains(lun.BlockSize);
        if (!blockSizeValid)
        {
            problems.Add($"{at}.blockSize: {lun.BlockSize} is not one of {string.Join(", ", BlockSizes)}");
        }

        if (!SizeSyntax.TryParse(lun.Size, out long bytes, out string? sizeProblem))
        {
            problems.Add($"{at}.size: {sizeProblem}");
        }
        else if (blockSizeValid && (bytes == 0 || bytes % lun.BlockSize != 0))
        {
            problems.Add($"{at}.size: {bytes} bytes is not a positive multiple of the block size {lun.BlockSize}");
        }

        if (lun.MaximumWriteSameLength is 0)
        {
            problems.Add($"{at}.maximumWriteSameLength: must be at least 1");
        }

        if (lun.PhysicalBlockExponent is < 0 or > 15)
        {
            problems.Add($"{at}.physicalBlockExponent: {lun.PhysicalBlockExponent} is not within 0-15");
        }

        switch (lun.Backing)
        {
            case BackingStoreKind.Memory when lun.Path is not null:
                problems.Add($"{at}.path: only a sparseFile backing store has a path");
                break;
            case BackingStoreKind.SparseFile when string.IsNullOrWhiteSpace(lun.Path):
                problems.Add($"{at}.path: a sparseFile backing store needs a path");
                break;
            case BackingStoreKind.Memory or BackingStoreKind.SparseFile:
                break;
            default:
                problems.Add($"{at}.backing: {lun.Backing} is not memory or sparseFile");
                break;
        }

        CheckAscii(lun.Vendor, 8, $"{at}.vendor", problems);
        CheckAscii(lun.Product, 16, $"{at}.product", problems);
        CheckAscii(lun.Serial, 64, $"{at}.serial", problems);
        CheckInitiators(lun.AllowedInitiators, $"{at}.allowedInitiators", problems);
        if (lun.AllowedInitiators is not null && targetInitiators is null)
        {
            problems.Add($"{at}.allowedInitiators: LUN masking needs the target's allowedInitiators (initiators not listed there would see every LUN)");
        }

        if (lun.AllowedInitiators is { } masked && targetInitiators is not null)
        {
            foreach (string initiator in masked.Where(i => !targetInitiators.Contains(i, StringComparer.Ordinal)))
            {
                problems.Add($"{at}.allowedInitiators: '{initiator}' may not log in to the target (not in its allowedInitiators)");
            }
        }
    }

    // SPC-5 §6.7.2: INQUIRY identification fields hold printable ASCII (20h-7Eh).
    private static void CheckAscii(string? value, int maxLength, string at, List<string> problems)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length == 0 || value.Length > maxLength || value.Any(c => c is < ' ' or > '~'))
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{at}: '{value}' is not 1-{maxLength} printable ASCII characters"));
        }
    }
}
