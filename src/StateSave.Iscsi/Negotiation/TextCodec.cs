using System.Buffers;
using System.Text;
using System.Text.Unicode;
using StateSave.Iscsi.Protocol;

namespace StateSave.Iscsi.Negotiation;

/// <summary>
/// Reads and writes the key=value text of Login and Text PDUs (RFC 7143 §6.1): UTF-8 pairs, each followed by
/// one NUL byte, the key being whatever precedes the first '='.
/// </summary>
public static class TextCodec
{
    private const byte Nul = 0;
    private const byte EqualsSign = (byte)'=';
    private const int PreviewLength = 32;

    /// <summary>Parses a complete logical text data segment into its pairs, in order.</summary>
    /// <param name="text">The text; every pair, the last one included, must end with a NUL.</param>
    /// <param name="registry">Gives the value limit of each key; <see cref="TextKeyRegistry.Standard"/> when null.</param>
    /// <exception cref="IscsiProtocolException">The text is malformed, a key or value is too long.</exception>
    public static IReadOnlyList<TextKeyValue> Decode(ReadOnlySpan<byte> text, TextKeyRegistry? registry = null)
    {
        registry ??= TextKeyRegistry.Standard;
        var pairs = new List<TextKeyValue>();
        while (!text.IsEmpty)
        {
            int end = text.IndexOf(Nul);
            if (end < 0)
            {
                throw TextErrors.Text(ProtocolErrorCode.MalformedText,
                    $"The last key=value pair '{Preview(text)}' is not terminated by a NUL byte.");
            }
            ReadOnlySpan<byte> pair = text[..end];
            int equals = pair.IndexOf(EqualsSign);
            if (equals < 0)
            {
                throw TextErrors.Text(ProtocolErrorCode.MalformedText, $"The pair '{Preview(pair)}' has no '='.");
            }
            pairs.Add(DecodePair(pair[..equals], pair[(equals + 1)..], registry));
            text = text[(end + 1)..];
        }
        return pairs;
    }

    /// <summary>Parses a complete logical text data segment held in a possibly multi-segment sequence.</summary>
    /// <inheritdoc cref="Decode(ReadOnlySpan{byte}, TextKeyRegistry?)"/>
    public static IReadOnlyList<TextKeyValue> Decode(in ReadOnlySequence<byte> text, TextKeyRegistry? registry = null)
    {
        if (text.IsSingleSegment)
        {
            return Decode(text.FirstSpan, registry);
        }

        registry ??= TextKeyRegistry.Standard;
        var pairs = new List<TextKeyValue>();
        var reader = new SequenceReader<byte>(text);
        Span<byte> keyBuffer = stackalloc byte[TextLimits.MaxKeyLength];
        while (!reader.End)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> pair, Nul))
            {
                throw TextErrors.Text(ProtocolErrorCode.MalformedText,
                    $"The last key=value pair '{Preview(reader.UnreadSequence)}' is not terminated by a NUL byte.");
            }
            SequencePosition? equals = pair.PositionOf(EqualsSign);
            if (equals is null)
            {
                throw TextErrors.Text(ProtocolErrorCode.MalformedText, $"The pair '{Preview(pair)}' has no '='.");
            }
            ReadOnlySequence<byte> key = pair.Slice(0, equals.Value);
            ReadOnlySequence<byte> value = pair.Slice(pair.GetPosition(1, equals.Value));

            // Check both lengths before copying anything: only bounded lengths are materialized.
            if (key.Length > TextLimits.MaxKeyLength)
            {
                throw KeyTooLong(Preview(key), key.Length);
            }
            Span<byte> keyBytes = keyBuffer[..(int)key.Length];
            key.CopyTo(keyBytes);
            string keyName = DecodeKey(keyBytes);
            int limit = registry.GetMaxValueLength(keyName);
            if (value.Length > limit)
            {
                throw ValueTooLong(keyName, value.Length, limit);
            }
            byte[] valueBytes = ArrayPool<byte>.Shared.Rent((int)value.Length);
            try
            {
                value.CopyTo(valueBytes);
                pairs.Add(new TextKeyValue(keyName, DecodeValue(keyName, valueBytes.AsSpan(0, (int)value.Length))));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(valueBytes);
            }
        }
        return pairs;
    }

    /// <summary>Writes the pairs, each followed by a NUL byte.</summary>
    public static void Encode(IBufferWriter<byte> writer, IEnumerable<TextKeyValue> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        foreach (TextKeyValue pair in pairs)
        {
            Encode(writer, pair.Key, pair.Value);
        }
    }

    /// <summary>Writes one key=value pair followed by a NUL byte.</summary>
    /// <exception cref="ArgumentException">The key is not a valid key-name or the value holds a NUL.</exception>
    public static void Encode(IBufferWriter<byte> writer, string key, string value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (!IsValidKey(key))
        {
            throw new ArgumentException($"'{key}' is not a valid iSCSI key-name (RFC 7143 §6.1).", nameof(key));
        }
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The value of key {key} contains a NUL character.", nameof(value));
        }
        int valueLength = Encoding.UTF8.GetByteCount(value);
        int length = key.Length + 1 + valueLength + 1;
        Span<byte> span = writer.GetSpan(length);
        int written = Encoding.ASCII.GetBytes(key, span);
        span[written++] = EqualsSign;
        written += Encoding.UTF8.GetBytes(value, span[written..]);
        span[written++] = Nul;
        writer.Advance(written);
    }

    /// <summary>Encodes the pairs into a new array (convenience for callers that need the whole text).</summary>
    public static byte[] Encode(IEnumerable<TextKeyValue> pairs)
    {
        var writer = new ArrayBufferWriter<byte>();
        Encode(writer, pairs);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Whether <paramref name="key"/> is a key-name: a standard-label (a letter first, then letters, digits,
    /// '.', '-', '+', '@', '_'), at most 63 bytes, or an IANA-registered "X#" extension key (RFC 7143 §6.1).
    /// RFC 7143 asks for a capital first letter, but RFC 7144 registered "iSCSIProtocolLevel", so any letter is accepted.
    /// </summary>
    public static bool IsValidKey(ReadOnlySpan<char> key)
    {
        if (key.IsEmpty || key.Length > TextLimits.MaxKeyLength || !char.IsAsciiLetter(key[0]))
        {
            return false;
        }
        for (int i = 1; i < key.Length; i++)
        {
            char c = key[i];
            bool allowed = char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+' or '@' or '_'
                || (c == '#' && i == 1 && key[0] == 'X');
            if (!allowed)
            {
                return false;
            }
        }
        return true;
    }

    private static TextKeyValue DecodePair(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, TextKeyRegistry registry)
    {
        if (key.Length > TextLimits.MaxKeyLength)
        {
            throw KeyTooLong(Preview(key), key.Length);
        }
        string keyName = DecodeKey(key);
        int limit = registry.GetMaxValueLength(keyName);
        if (value.Length > limit)
        {
            throw ValueTooLong(keyName, value.Length, limit);
        }
        return new TextKeyValue(keyName, DecodeValue(keyName, value));
    }

    private static string DecodeKey(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty)
        {
            throw TextErrors.Text(ProtocolErrorCode.MalformedText, "A key=value pair has an empty key.");
        }
        // Key characters are all ASCII, so a key that is not ASCII is rejected before any decoding.
        Span<char> chars = stackalloc char[TextLimits.MaxKeyLength];
        for (int i = 0; i < key.Length; i++)
        {
            chars[i] = key[i] < 0x80 ? (char)key[i] : '\uFFFD';
        }
        ReadOnlySpan<char> name = chars[..key.Length];
        if (!IsValidKey(name))
        {
            throw TextErrors.Text(ProtocolErrorCode.MalformedText,
                $"The key '{name.ToString()}' holds characters a key-name may not hold (RFC 7143 §6.1).");
        }
        return name.ToString();
    }

    private static string DecodeValue(string key, ReadOnlySpan<byte> value)
    {
        if (!Utf8.IsValid(value))
        {
            throw TextErrors.Text(ProtocolErrorCode.MalformedText, $"The value of key {key} is not valid UTF-8.");
        }
        return Encoding.UTF8.GetString(value);
    }

    private static IscsiProtocolException KeyTooLong(string preview, long length) =>
        TextErrors.Text(ProtocolErrorCode.TextKeyTooLong,
            $"The key '{preview}...' is {length} bytes long; a key-name is at most {TextLimits.MaxKeyLength} bytes.");

    private static IscsiProtocolException ValueTooLong(string key, long length, int limit) =>
        TextErrors.Text(ProtocolErrorCode.TextValueTooLong,
            $"The value of key {key} is {length} bytes long; at most {limit} bytes are allowed.");

    private static string Preview(ReadOnlySpan<byte> bytes) =>
        Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, PreviewLength)]);

    private static string Preview(ReadOnlySequence<byte> bytes) =>
        Encoding.UTF8.GetString(bytes.Slice(0, Math.Min(bytes.Length, PreviewLength)));
}
