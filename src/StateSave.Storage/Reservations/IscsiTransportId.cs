using System.Buffers.Binary;
using System.Text;

namespace StateSave.Storage.Reservations;

/// <summary>
/// An iSCSI TransportID (SPC-5 §7.6.4.6): FORMAT CODE 00b names an initiator device by its iSCSI name, 01b
/// names one initiator port (iSCSI name, ",i,0x" and the ISID in hexadecimal).
/// </summary>
/// <remarks>
/// <code>
/// byte 0     FORMAT CODE (bits 7-6) | PROTOCOL IDENTIFIER (bits 3-0) = 5h
/// byte 1     reserved
/// bytes 2-3  ADDITIONAL LENGTH (n - 3), a multiple of four, at least 20
/// bytes 4-n  ISCSI NAME [",i,0x" ISID], null terminated, zero padded
/// </code>
/// </remarks>
/// <param name="Name">The iSCSI name (compared case-insensitively).</param>
/// <param name="Isid">The ISID as 12 lower-case hex digits for format 01b, null for format 00b.</param>
public readonly record struct IscsiTransportId(string Name, string? Isid)
{
    public const byte ProtocolIdentifier = 0x5;

    /// <summary>Smallest TransportID: the 4-byte header and 20 bytes of name (SPC-5 §7.6.4.6).</summary>
    public const int MinimumLength = 24;

    /// <summary>Longest iSCSI name (RFC 7143 §4.2.7.1).</summary>
    public const int MaximumNameLength = 223;

    private const string PortSeparator = ",i,0x";
    private const int IsidHexDigits = 12;

    /// <summary>The TransportID of the initiator port of a nexus.</summary>
    public static IscsiTransportId FromInitiatorPort(string initiatorName, string initiatorPortName)
    {
        int separator = initiatorPortName.LastIndexOf(PortSeparator, StringComparison.OrdinalIgnoreCase);
        return separator < 0
            ? new IscsiTransportId(initiatorName, null)
            : new IscsiTransportId(initiatorName, initiatorPortName[(separator + PortSeparator.Length)..].ToLowerInvariant());
    }

    /// <summary>Bytes <see cref="Write"/> produces.</summary>
    public int EncodedLength
    {
        get
        {
            int text = Encoding.UTF8.GetByteCount(Name) + (Isid is null ? 0 : PortSeparator.Length + Isid.Length) + 1;
            return Math.Max(MinimumLength, 4 + ((text + 3) & ~3));
        }
    }

    /// <summary>Writes the TransportID (format 01b with an ISID, else 00b); returns the bytes written.</summary>
    public int Write(Span<byte> destination)
    {
        int length = EncodedLength;
        Span<byte> id = destination[..length];
        id.Clear();
        id[0] = (byte)((Isid is null ? 0x00 : 0x40) | ProtocolIdentifier);
        BinaryPrimitives.WriteUInt16BigEndian(id[2..], (ushort)(length - 4));
        int written = Encoding.UTF8.GetBytes(Name, id[4..]);
        if (Isid is not null)
        {
            written += Encoding.ASCII.GetBytes(PortSeparator, id[(4 + written)..]);
            Encoding.ASCII.GetBytes(Isid, id[(4 + written)..]);
        }

        return length;
    }

    /// <summary>
    /// Reads one TransportID at the start of <paramref name="source"/>. On failure, <paramref name="errorOffset"/>
    /// is the offset (within <paramref name="source"/>) of the field in error.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out IscsiTransportId transportId, out int length, out int errorOffset)
    {
        transportId = default;
        length = 0;
        errorOffset = 0;
        if (source.Length < 4)
        {
            errorOffset = 0;
            return false;
        }

        int format = source[0] >> 6;
        if ((source[0] & 0x0f) != ProtocolIdentifier || format > 1)
        {
            return false;
        }

        int additional = BinaryPrimitives.ReadUInt16BigEndian(source[2..]);
        if (additional < MinimumLength - 4 || additional % 4 != 0 || 4 + additional > source.Length)
        {
            errorOffset = 2;
            return false;
        }

        ReadOnlySpan<byte> text = source.Slice(4, additional);
        int terminator = text.IndexOf((byte)0);
        if (terminator <= 0)
        {
            errorOffset = 4;
            return false;
        }

        string value;
        try
        {
            value = new UTF8Encoding(false, true).GetString(text[..terminator]);
        }
        catch (DecoderFallbackException)
        {
            errorOffset = 4;
            return false;
        }

        string name = value;
        string? isid = null;
        if (format == 1)
        {
            int separator = value.LastIndexOf(PortSeparator, StringComparison.OrdinalIgnoreCase);
            if (separator <= 0 || value.Length - separator - PortSeparator.Length != IsidHexDigits
                || !IsHex(value.AsSpan(separator + PortSeparator.Length)))
            {
                errorOffset = 4;
                return false;
            }

            name = value[..separator];
            isid = value[(separator + PortSeparator.Length)..].ToLowerInvariant();
        }

        if (name.Length > MaximumNameLength || name.Contains(',', StringComparison.Ordinal))
        {
            errorOffset = 4;
            return false;
        }

        transportId = new IscsiTransportId(name, isid);
        length = 4 + additional;
        return true;
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Isid is null ? Name : $"{Name}{PortSeparator}{Isid}";
}
