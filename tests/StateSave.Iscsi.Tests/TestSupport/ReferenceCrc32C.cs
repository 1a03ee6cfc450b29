namespace StateSave.Iscsi.Tests.TestSupport;

/// <summary>
/// A bit-at-a-time CRC32C straight from the definition (reflected polynomial 0x82F63B78, init and final XOR
/// 0xFFFFFFFF): slow, obviously correct, independent of the product code it checks.
/// </summary>
internal static class ReferenceCrc32C
{
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        return ~crc;
    }

    /// <summary>The 4 digest bytes as sent on the wire (least-significant byte first).</summary>
    public static byte[] WireBytes(ReadOnlySpan<byte> data)
    {
        uint crc = Compute(data);
        return [(byte)crc, (byte)(crc >> 8), (byte)(crc >> 16), (byte)(crc >> 24)];
    }
}
