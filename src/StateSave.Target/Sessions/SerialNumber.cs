namespace StateSave.Target.Sessions;

/// <summary>Serial number arithmetic on 32-bit sequence numbers (RFC 1982, as RFC 7143 §4.2.2.1 requires for CmdSN and StatSN).</summary>
internal static class SerialNumber
{
    public static bool LessThan(uint a, uint b) => a != b && unchecked((int)(a - b)) < 0;

    public static bool GreaterThan(uint a, uint b) => a != b && unchecked((int)(a - b)) > 0;

    /// <summary>Whether <paramref name="value"/> lies in [<paramref name="low"/>, <paramref name="high"/>] in serial arithmetic.</summary>
    public static bool InWindow(uint value, uint low, uint high) => !LessThan(value, low) && !GreaterThan(value, high);
}
