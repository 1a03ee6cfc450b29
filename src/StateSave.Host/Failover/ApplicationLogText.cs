using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StateSave.Host.Applications;
using StateSave.Host.Hosts;

namespace StateSave.Host.Failover;

/// <summary>
/// An application's frozen log as the text buffer a state save hands over (specs/in-band-state-save.md §3): one line
/// per entry, "&lt;time, round-trip format&gt; &lt;level&gt; &lt;message&gt;\n", then "statistics &lt;json&gt;\n" when the
/// application keeps statistics. Encoded straight to UTF-8 in one array of the exact size (a first pass measures):
/// freezing many megabytes of log at once must not go through strings and builders several times its size.
/// </summary>
internal static class ApplicationLogText
{
    private static readonly byte[][] LevelNames =
        [.. Enum.GetValues<LogLevel>().OrderBy(l => (int)l).Select(l => Encoding.UTF8.GetBytes(l.ToString()))];

    private static readonly byte[] StatisticsPrefix = "statistics "u8.ToArray();

    public static byte[] Encode(ApplicationSnapshot application, JsonSerializerOptions json)
    {
        byte[]? statistics = application.Statistics is { } s ? JsonSerializer.SerializeToUtf8Bytes(s, json) : null;
        Span<byte> time = stackalloc byte[64];
        long length = 0;
        foreach (ApplicationLogEntry entry in application.Log)
        {
            entry.Time.TryFormat(time, out int timeLength, "O", System.Globalization.CultureInfo.InvariantCulture);
            length += timeLength + 1 + LevelName(entry.Level).Length + 1 + Encoding.UTF8.GetByteCount(entry.Message) + 1;
        }

        if (statistics is not null)
        {
            length += StatisticsPrefix.Length + statistics.Length + 1;
        }

        // A log holds a bounded number of entries (ApplicationLog's capacity); a buffer over 2 GiB is not a snapshot.
        byte[] text = new byte[checked((int)length)];
        Span<byte> rest = text;
        foreach (ApplicationLogEntry entry in application.Log)
        {
            entry.Time.TryFormat(rest, out int written, "O", System.Globalization.CultureInfo.InvariantCulture);
            rest = Put(rest[written..], (byte)' ');
            rest = Put(rest, LevelName(entry.Level));
            rest = Put(rest, (byte)' ');
            rest = rest[Encoding.UTF8.GetBytes(entry.Message, rest)..];
            rest = Put(rest, (byte)'\n');
        }

        if (statistics is not null)
        {
            rest = Put(Put(Put(rest, StatisticsPrefix), statistics), (byte)'\n');
        }

        return text;
    }

    private static ReadOnlySpan<byte> LevelName(LogLevel level) =>
        (uint)level < (uint)LevelNames.Length ? LevelNames[(int)level] : "None"u8;

    private static Span<byte> Put(Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination);
        return destination[bytes.Length..];
    }

    private static Span<byte> Put(Span<byte> destination, byte value)
    {
        destination[0] = value;
        return destination[1..];
    }
}
