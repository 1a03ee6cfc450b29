using System.Text;

namespace StateSave.Storage.Buffers;

/// <summary>
/// The default <see cref="IErrorHistorySource"/>: the application client error history entries written with
/// WRITE BUFFER mode 1Ch (buffer 10h, the entries one after another as written) and a short text log of
/// events the logical unit records (buffer 11h, UTF-8 lines). Both are bounded: the oldest go first.
/// </summary>
public sealed class ErrorHistoryLog : IErrorHistorySource
{
    public const byte ApplicationClientBufferId = 0x10;
    public const byte EventLogBufferId = 0x11;

    /// <summary>Bytes of application client entries kept.</summary>
    public const int MaximumApplicationClientBytes = 256 * 1024;

    /// <summary>Event log lines kept.</summary>
    public const int MaximumEvents = 256;

    private const int MaximumEventLength = 256;

    private readonly Lock _lock = new();
    private readonly Queue<byte[]> _entries = new();
    private readonly Queue<string> _events = new();
    private int _entryBytes;

    /// <summary>The application client entries, oldest first.</summary>
    public IReadOnlyList<byte[]> ApplicationClientEntries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Appends one application client error history entry (the whole WRITE BUFFER parameter list).</summary>
    public void AddApplicationClientEntry(ReadOnlySpan<byte> entry)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(entry.Length, MaximumApplicationClientBytes, nameof(entry));
        lock (_lock)
        {
            while (_entryBytes + entry.Length > MaximumApplicationClientBytes)
            {
                _entryBytes -= _entries.Dequeue().Length;
            }

            _entries.Enqueue(entry.ToArray());
            _entryBytes += entry.Length;
        }
    }

    /// <summary>CLR: forgets the application client error history.</summary>
    public void ClearApplicationClientEntries()
    {
        lock (_lock)
        {
            _entries.Clear();
            _entryBytes = 0;
        }
    }

    /// <summary>Records one event line (cut at 256 characters).</summary>
    public void Record(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        string line = message.Length > MaximumEventLength ? message[..MaximumEventLength] : message;
        lock (_lock)
        {
            if (_events.Count == MaximumEvents)
            {
                _events.Dequeue();
            }

            _events.Enqueue(line);
        }
    }

    public ValueTask<IReadOnlyList<ErrorHistoryBuffer>> CreateSnapshotAsync(bool currentInternalStatus, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            byte[] entries = new byte[_entryBytes];
            int offset = 0;
            foreach (byte[] entry in _entries)
            {
                entry.CopyTo(entries, offset);
                offset += entry.Length;
            }

            var text = new StringBuilder();
            foreach (string line in _events)
            {
                text.Append(line).Append('\n');
            }

            IReadOnlyList<ErrorHistoryBuffer> buffers =
            [
                new ErrorHistoryBuffer(ApplicationClientBufferId, 0x00, 0x0, entries),
                new ErrorHistoryBuffer(EventLogBufferId, 0x00, 0x0, Encoding.UTF8.GetBytes(text.ToString())),
            ];
            return ValueTask.FromResult(buffers);
        }
    }
}
