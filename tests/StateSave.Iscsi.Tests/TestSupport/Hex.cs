using System.Globalization;

namespace StateSave.Iscsi.Tests.TestSupport;

/// <summary>Hex strings for test vectors: whitespace is ignored, so vectors can be laid out one BHS row per line.</summary>
internal static class Hex
{
    public static byte[] Parse(string hex)
    {
        string compact = string.Concat(hex.Where(c => !char.IsWhiteSpace(c)));
        return Convert.FromHexString(compact);
    }

    public static string Format(ReadOnlySpan<byte> bytes)
    {
        var builder = new System.Text.StringBuilder(bytes.Length * 3);
        for (int i = 0; i < bytes.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(i % 4 == 0 ? " | " : " ");
            }

            builder.Append(bytes[i].ToString("x2", CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }
}
