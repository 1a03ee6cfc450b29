using System.Globalization;

namespace StateSave.Iscsi.Negotiation;

/// <summary>Parsing and formatting of the value encodings of RFC 7143 §6.1.</summary>
public static class TextValues
{
    /// <summary>Parses a numerical-value: a decimal-constant or a hex-constant ("0x"), below 2^64.</summary>
    public static bool TryParseNumber(string value, out ulong number)
    {
        ArgumentNullException.ThrowIfNull(value);
        number = 0;
        if (value.Length > 2 && value[0] == '0' && value[1] is 'x' or 'X')
        {
            ReadOnlySpan<char> digits = value.AsSpan(2);
            return digits.Length <= 16 && ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out number);
        }
        // A decimal-constant is "0" or digits with no leading zero.
        if (value.Length == 0 || value.Length > 20 || (value[0] == '0' && value.Length > 1))
        {
            return false;
        }
        return ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    public static bool TryParseBoolean(string value, out bool result)
    {
        ArgumentNullException.ThrowIfNull(value);
        result = value == TextKeyNames.Yes;
        return result || value == TextKeyNames.No;
    }

    public static string FormatBoolean(bool value) => value ? TextKeyNames.Yes : TextKeyNames.No;

    public static string FormatNumber(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Splits a list-of-values at its commas.</summary>
    public static string[] SplitList(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Split(',');
    }

    /// <summary>Whether the answer is one of the reserved answers that leave a key at its default (RFC 7143 §6.2).</summary>
    public static bool IsReservedAnswer(string value) =>
        value is TextKeyNames.Reject or TextKeyNames.Irrelevant or TextKeyNames.NotUnderstood;

    /// <summary>Checks the syntax of a value of the given kind (numeric ranges are checked by the caller).</summary>
    public static bool IsWellFormed(TextValueKind kind, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return kind switch
        {
            TextValueKind.Boolean => TryParseBoolean(value, out _),
            TextValueKind.NumericValue => TryParseNumber(value, out _),
            TextValueKind.NumericRange => IsNumericRange(value),
            TextValueKind.StandardLabel => TextCodec.IsValidKey(value),
            TextValueKind.ListOfValues => SplitList(value).All(v => v.Length > 0 && IsTextValue(v, allowComma: false)),
            TextValueKind.TextValue => IsTextValue(value, allowComma: true),
            TextValueKind.IscsiNameValue => value.Length > 0,
            _ => true,
        };
    }

    private static bool IsNumericRange(string value)
    {
        int tilde = value.IndexOf('~', StringComparison.Ordinal);
        return tilde > 0 && TryParseNumber(value[..tilde], out ulong low) && TryParseNumber(value[(tilde + 1)..], out ulong high) && low <= high;
    }

    // text-value characters (RFC 7143 §6.1). TargetAddress ("domainname[:port][,tag]") also needs ','.
    private static bool IsTextValue(string value, bool allowComma)
    {
        foreach (char c in value)
        {
            bool allowed = char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+' or '@' or '_' or '/' or '[' or ']' or ':'
                || (allowComma && c == ',');
            if (!allowed)
            {
                return false;
            }
        }
        return true;
    }
}
