namespace StateSave.Initiator.Sessions;

/// <summary>Serial number arithmetic on 32-bit sequence numbers (RFC 1982, as RFC 7143 §4.2.2.1 requires).</summary>
internal static class SerialNumber
{
    public static bool LessThan(uint a, uint b) => a != b && (int)(a - b) < 0;

    public static bool GreaterThan(uint a, uint b) => a != b && (int)(a - b) > 0;

    public static bool LessOrEqual(uint a, uint b) => a == b || LessThan(a, b);
}
