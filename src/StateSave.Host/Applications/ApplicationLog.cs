using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using StateSave.Host.Logging;

namespace StateSave.Host.Applications;

/// <summary>One line of an application log.</summary>
public sealed record ApplicationLogEntry(DateTimeOffset Time, LogLevel Level, string Message);

/// <summary>
/// An application's in-memory log: a bounded ring of timestamped lines (messages cut at
/// <see cref="MaximumMessageLength"/> characters), exportable as UTF-8 text, one line per entry. Thread-safe.
/// </summary>
public sealed class ApplicationLog
{
    public const int MaximumMessageLength = 1024;

    private readonly BoundedRing<ApplicationLogEntry> _entries;
    private readonly TimeProvider _time;

    public ApplicationLog(string source, int capacity = 1024, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        Source = source;
        _entries = new BoundedRing<ApplicationLogEntry>(capacity);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The application the log belongs to.</summary>
    public string Source { get; }

    public int Capacity => _entries.Capacity;

    /// <summary>Lines written and no longer held.</summary>
    public long Overwritten => _entries.Overwritten;

    public void Write(LogLevel level, string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _entries.Add(new ApplicationLogEntry(_time.GetUtcNow(), level, message.Length > MaximumMessageLength ? message[..MaximumMessageLength] : message));
    }

    public void Information(string message) => Write(LogLevel.Information, message);

    public void Warning(string message) => Write(LogLevel.Warning, message);

    public void Error(string message) => Write(LogLevel.Error, message);

    /// <summary>The lines held, oldest first.</summary>
    public IReadOnlyList<ApplicationLogEntry> ToSnapshot() => _entries.ToArray();

    /// <summary>"2026-11-26T10:00:00.000Z Information message\n" per line, UTF-8.</summary>
    public byte[] Export() => Export(_entries.ToArray());

    public static byte[] Export(IReadOnlyList<ApplicationLogEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var text = new StringBuilder();
        foreach (ApplicationLogEntry entry in entries)
        {
            text.Append(entry.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
                .Append(' ').Append(entry.Level).Append(' ').Append(entry.Message.ReplaceLineEndings(" ")).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
