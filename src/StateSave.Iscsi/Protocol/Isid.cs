namespace StateSave.Iscsi.Protocol;

/// <summary>
/// The 6-byte Initiator Session ID (RFC 7143 §11.12.5): T (2 bits), A (6 bits), B (16 bits), C (8 bits),
/// D (16 bits). Held as the 48-bit big-endian value.
/// <code>
///  Byte/     0       |       1       |       2       |       3       |
///     +---------------+---------------+---------------+---------------+
///   8 | T |    A      |              B                |      C        |
///     +---------------+---------------+---------------+---------------+
///  12 |               D               |
///     +---------------+---------------+
/// </code>
/// </summary>
public readonly record struct Isid(ulong Value)
{
    /// <summary>Length on the wire.</summary>
    public const int Length = 6;

    /// <summary>T = 00b: OUI format (RFC 7143 §11.12.5).</summary>
    public const byte TypeOui = 0;

    /// <summary>T = 01b: IANA enterprise number format.</summary>
    public const byte TypeEnterpriseNumber = 1;

    /// <summary>T = 10b: random format.</summary>
    public const byte TypeRandom = 2;

    /// <summary>Builds an ISID from its T, A, B, C and D fields.</summary>
    public static Isid FromFields(byte type, byte a, ushort b, byte c, ushort d) =>
        new(((ulong)(type & 0x3) << 46) | ((ulong)(a & 0x3F) << 40) | ((ulong)b << 24) | ((ulong)c << 16) | d);

    /// <summary>T: the format of the rest of the ISID.</summary>
    public byte Type => (byte)((Value >> 46) & 0x3);

    public byte A => (byte)((Value >> 40) & 0x3F);

    public ushort B => (ushort)(Value >> 24);

    public byte C => (byte)(Value >> 16);

    /// <summary>D: the qualifier that the initiator varies between sessions.</summary>
    public ushort D => (ushort)Value;

    /// <summary>Reads 6 big-endian bytes.</summary>
    public static Isid Read(ReadOnlySpan<byte> source)
    {
        ulong value = 0;
        for (int i = 0; i < Length; i++)
        {
            value = (value << 8) | source[i];
        }

        return new Isid(value);
    }

    /// <summary>Writes 6 big-endian bytes.</summary>
    public void Write(Span<byte> destination)
    {
        for (int i = Length - 1; i >= 0; i--)
        {
            destination[i] = (byte)(Value >> (8 * (Length - 1 - i)));
        }
    }

    public override string ToString() => Value.ToString("x12", System.Globalization.CultureInfo.InvariantCulture);
}
