using System.Globalization;

namespace StateSave.TargetServer.Configuration;

/// <summary>Capacities as written in the configuration: a byte count, or a whole number with KiB, MiB, GiB or TiB.</summary>
public static class SizeSyntax
{
    private static readonly (string Suffix, int Shift)[] Units =
    [
        ("KiB", 10), ("MiB", 20), ("GiB", 30), ("TiB", 40), ("K", 10), ("M", 20), ("G", 30), ("T", 40), ("B", 0),
    ];

    /// <summary>Parses <paramref name="text"/> to bytes; <paramref name="problem"/> says why it is not a size.</summary>
    public static bool TryParse(string? text, out long bytes, out string? problem)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "a size is required (e.g. \"128MiB\")";
            return false;
        }

        string trimmed = text.Trim();
        int shift = 0;
        foreach ((string suffix, int unitShift) in Units)
        {
            if (trimmed.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                trimmed = trimmed[..^suffix.Length].TrimEnd();
                shift = unitShift;
                break;
            }
        }

        if (!long.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out long count) || count > (long.MaxValue >> shift))
        {
            problem = $"'{text}' is not a size (a whole number of bytes, or with KiB, MiB, GiB or TiB)";
            return false;
        }

        bytes = count << shift;
        problem = null;
        return true;
    }
}
