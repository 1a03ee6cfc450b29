namespace StateSave.Iscsi.Digests;

/// <summary>
/// Arithmetic in GF(2)[x] modulo the CRC32C polynomial P(x), in the reflected representation the register
/// uses: bit 31 holds the coefficient of x^0, bit 0 the coefficient of x^31.
/// </summary>
/// <remarks>
/// <para>Running the register <c>c</c> over <c>n</c> bytes <c>M</c> gives <c>c·x^(8n) + M·x^32 mod P</c>: it is
/// linear, so the register over <c>A‖B</c> is the register over <c>A</c> shifted by <c>|B|</c> zero bytes
/// (multiplied by <c>x^(8|B|)</c>) plus the register over <c>B</c> started from zero. The interleaved x64 path
/// relies on this to join its three streams.</para>
/// </remarks>
public static partial class Crc32C
{
    /// <summary>x^0 in the reflected representation.</summary>
    private const uint One = 0x80000000u;

    /// <summary><paramref name="a"/>·<paramref name="b"/> mod P (both reflected).</summary>
    internal static uint MultiplyModP(uint a, uint b)
    {
        // Horner's rule over the coefficients of a, from x^31 (bit 0) down to x^0 (bit 31).
        uint product = 0;
        for (int bit = 0; bit < 32; bit++)
        {
            product = MultiplyByX(product);
            if (((a >> bit) & 1) != 0)
            {
                product ^= b;
            }
        }

        return product;
    }

    /// <summary>x^<paramref name="exponent"/> mod P (reflected), by square-and-multiply.</summary>
    internal static uint XPowerModP(long exponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(exponent);
        uint result = One;
        uint square = One >> 1; // x^1
        for (; exponent != 0; exponent >>= 1)
        {
            if ((exponent & 1) != 0)
            {
                result = MultiplyModP(result, square);
            }

            square = MultiplyModP(square, square);
        }

        return result;
    }

    /// <summary>
    /// The register <paramref name="crc"/> run over <paramref name="byteCount"/> zero bytes, i.e.
    /// <c>crc·x^(8·byteCount) mod P</c>. Slow (bitwise); the reference for the shift constants.
    /// </summary>
    internal static uint ShiftByZeroBytes(uint crc, long byteCount) => MultiplyModP(crc, XPowerModP(8 * byteCount));

    private static uint MultiplyByX(uint value) =>
        (value & 1) != 0 ? (value >> 1) ^ ReflectedPolynomial : value >> 1;
}
