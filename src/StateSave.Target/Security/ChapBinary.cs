using System.Globalization;

namespace StateSave.Target.Security;

/// <summary>
/// CHAP binary values as text (RFC 7143 §6.1, §12.1.3): "0x" hexadecimal or "0b" base64. Values from the
/// peer are bounded by the negotiation layer (1024 bytes of text), so decoding never allocates more than that.
/// </summary>
internal static class ChapBinary
{
    public static bool TryDecode(string value, out byte[] bytes)
    {
        bytes = [];
        if (value.Length < 3)
        {
            return false;
        }

        ReadOnlySpan<char> digits = value.AsSpan(2);
        if (value.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            // An odd number of digits has an implied leading zero.
            string even = digits.Length % 2 == 0 ? digits.ToString() : "0" + digits.ToString();
            try
            {
                bytes = Convert.FromHexString(even);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        if (value.StartsWith("0b", StringComparison.OrdinalIgnoreCase))
        {
            byte[] buffer = new byte[(digits.Length * 3 / 4) + 3];
            if (Convert.TryFromBase64Chars(digits, buffer, out int written))
            {
                bytes = buffer[..written];
                return true;
            }
        }

        return false;
    }

    public static string EncodeHex(ReadOnlySpan<byte> bytes) => "0x" + Convert.ToHexStringLower(bytes);

    public static bool TryParseIdentifier(string value, out byte identifier)
    {
        identifier = 0;
        // CHAP_I is a number 0-255 in decimal or hexadecimal notation (RFC 7143 §12.1.3).
        if (value.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return byte.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out identifier);
        }

        return byte.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out identifier);
    }
}
