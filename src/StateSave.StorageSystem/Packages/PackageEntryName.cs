namespace StateSave.StorageSystem.Packages;

/// <summary>
/// Archive entry names: relative, '/'-separated, each segment of <c>A-Z a-z 0-9 . _ -</c> and not "." or "..", so no
/// entry can escape the folder a package is extracted to. Names that come from hosts are never used as they are:
/// <see cref="Sanitize"/> turns them into a segment.
/// </summary>
public static class PackageEntryName
{
    public const int MaximumLength = 200;
    public const int MaximumSegmentLength = 100;

    /// <summary>Whether <paramref name="name"/> is a safe entry name.</summary>
    public static bool IsValid(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name.Length > MaximumLength)
        {
            return false;
        }

        foreach (string segment in name.Split('/'))
        {
            if (segment.Length == 0 || segment.Length > MaximumSegmentLength || segment is "." or ".." || !segment.All(IsSafe))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A segment made of <paramref name="text"/> (e.g. an iSCSI name): unsafe characters become '_', the length is capped.</summary>
    public static string Sanitize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var chars = new char[Math.Min(text.Length, MaximumSegmentLength)];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = IsSafe(text[i]) ? text[i] : '_';
        }

        string segment = new(chars);
        return segment is "" or "." or ".." ? "_" : segment;
    }

    private static bool IsSafe(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '_' or '-';
}
