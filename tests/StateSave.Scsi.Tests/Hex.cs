namespace StateSave.Scsi.Tests;

internal static class Hex
{
    /// <summary>"70 00 05" → bytes; spaces are ignored.</summary>
    public static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
}
