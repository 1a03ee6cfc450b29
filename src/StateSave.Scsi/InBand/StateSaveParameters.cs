using System.Buffers.Binary;
using System.Text;

namespace StateSave.Scsi.InBand;

/// <summary>
/// The STATE SAVE parameter list (specs/in-band-state-save.md §2.1): 0-7 FAILURE TIME (ms since 1970-01-01 UTC),
/// 8-9 FAILED COMPONENT LENGTH n, FAILED COMPONENT (UTF-8), then 2 bytes REASON LENGTH m and REASON (UTF-8).
/// </summary>
/// <param name="FailureTime">When the failure happened.</param>
/// <param name="FailedComponent">What failed, e.g. "drive 3" (at most <see cref="MaximumComponentLength"/> UTF-8 bytes).</param>
/// <param name="Reason">Why, free text (at most <see cref="MaximumReasonLength"/> UTF-8 bytes).</param>
public sealed record StateSaveParameters(DateTimeOffset FailureTime, string FailedComponent, string Reason)
{
    public const int MaximumComponentLength = 256;
    public const int MaximumReasonLength = 1024;

    /// <summary>The longest parameter list: both texts at their limits.</summary>
    public const int MaximumLength = 8 + 2 + MaximumComponentLength + 2 + MaximumReasonLength;

    /// <summary>Encodes the list; throws <see cref="ArgumentException"/> when a text is over its limit.</summary>
    public byte[] Encode()
    {
        int component = Encoding.UTF8.GetByteCount(FailedComponent);
        int reason = Encoding.UTF8.GetByteCount(Reason);
        if (component > MaximumComponentLength || reason > MaximumReasonLength)
        {
            throw new ArgumentException($"The failed component is at most {MaximumComponentLength} and the reason at most {MaximumReasonLength} UTF-8 bytes.");
        }

        byte[] list = new byte[8 + 2 + component + 2 + reason];
        BinaryPrimitives.WriteInt64BigEndian(list, FailureTime.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteUInt16BigEndian(list.AsSpan(8), (ushort)component);
        Encoding.UTF8.GetBytes(FailedComponent, list.AsSpan(10));
        BinaryPrimitives.WriteUInt16BigEndian(list.AsSpan(10 + component), (ushort)reason);
        Encoding.UTF8.GetBytes(Reason, list.AsSpan(12 + component));
        return list;
    }

    /// <summary>
    /// Decodes a parameter list; false (PARAMETER LIST LENGTH ERROR) when it is shorter than its lengths say, a length
    /// is over its limit, bytes follow the reason, or a text is not valid UTF-8.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> list, out StateSaveParameters? parameters)
    {
        parameters = null;
        if (list.Length < 12)
        {
            return false;
        }

        int component = BinaryPrimitives.ReadUInt16BigEndian(list[8..]);
        if (component > MaximumComponentLength || list.Length < 12 + component)
        {
            return false;
        }

        int reason = BinaryPrimitives.ReadUInt16BigEndian(list[(10 + component)..]);
        if (reason > MaximumReasonLength || list.Length != 12 + component + reason)
        {
            return false;
        }

        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        try
        {
            long milliseconds = BinaryPrimitives.ReadInt64BigEndian(list);
            if (milliseconds < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
            {
                return false;
            }

            parameters = new StateSaveParameters(
                DateTimeOffset.FromUnixTimeMilliseconds(milliseconds),
                strict.GetString(list.Slice(10, component)),
                strict.GetString(list.Slice(12 + component, reason)));
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}
