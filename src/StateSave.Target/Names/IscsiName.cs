using System.Globalization;

namespace StateSave.Target.Names;

/// <summary>
/// iSCSI name checks (RFC 7143 §4.2.7): the iqn., eui. and naa. formats, at most 223 bytes, in the normalized
/// form of RFC 3722 (lower case; only letters, digits, '-', '.' and ':' are produced by the stringprep
/// profile for the ASCII range, which is all this implementation accepts).
/// </summary>
public static class IscsiName
{
    /// <summary>RFC 7143 §4.2.7.1: an iSCSI name is at most 223 bytes.</summary>
    public const int MaxLength = 223;

    /// <summary>Whether <paramref name="name"/> is a well-formed iSCSI name; <paramref name="problem"/> says why not.</summary>
    public static bool IsValid(string? name, out string? problem)
    {
        problem = Check(name);
        return problem is null;
    }

    private static string? Check(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "the name is empty";
        }

        if (name.Length > MaxLength)
        {
            return $"the name is {name.Length} bytes long, over {MaxLength}";
        }

        if (name.StartsWith("iqn.", StringComparison.Ordinal))
        {
            return CheckIqn(name);
        }

        if (name.StartsWith("eui.", StringComparison.Ordinal))
        {
            return IsHex(name.AsSpan(4), 16) ? null : "an eui. name has 16 hexadecimal digits";
        }

        if (name.StartsWith("naa.", StringComparison.Ordinal))
        {
            ReadOnlySpan<char> digits = name.AsSpan(4);
            return IsHex(digits, 16) || IsHex(digits, 32) ? null : "a naa. name has 16 or 32 hexadecimal digits";
        }

        return "the name does not start with iqn., eui. or naa.";
    }

    // iqn.yyyy-mm.reversed.domain[:unique]  (RFC 7143 §4.2.7.4)
    private static string? CheckIqn(string name)
    {
        foreach (char c in name)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '.' or ':'))
            {
                return $"the character '{c}' is not allowed in a normalized iqn. name";
            }
        }

        ReadOnlySpan<char> rest = name.AsSpan(4);
        if (rest.Length < 8 || rest[4] != '-' || rest[7] != '.'
            || !int.TryParse(rest[..4], NumberStyles.None, CultureInfo.InvariantCulture, out _)
            || !int.TryParse(rest[5..7], NumberStyles.None, CultureInfo.InvariantCulture, out int month) || month is < 1 or > 12)
        {
            return "an iqn. name continues with a yyyy-mm. date";
        }

        ReadOnlySpan<char> authority = rest[8..];
        int colon = authority.IndexOf(':');
        if (colon >= 0)
        {
            authority = authority[..colon];
        }

        return authority.IsEmpty || authority[0] == '.' || authority[^1] == '.'
            ? "an iqn. name names a reversed domain after the date"
            : null;
    }

    private static bool IsHex(ReadOnlySpan<char> digits, int count)
    {
        if (digits.Length != count)
        {
            return false;
        }

        foreach (char c in digits)
        {
            // RFC 3722 normalization maps to lower case; upper case hex is accepted as received by some peers.
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
