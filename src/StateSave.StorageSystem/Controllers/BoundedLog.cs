namespace StateSave.StorageSystem.Controllers;

/// <summary>A bounded, thread-safe log of timestamped lines: the oldest go first.</summary>
public sealed class BoundedLog(int capacity)
{
    private readonly Queue<LogLine> _lines = new();

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    public void Add(string text)
    {
        lock (_lines)
        {
            if (_lines.Count == Capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(new LogLine(DateTimeOffset.UtcNow, text));
        }
    }

    public IReadOnlyList<LogLine> Snapshot()
    {
        lock (_lines)
        {
            return [.. _lines];
        }
    }
}

/// <summary>One line of a <see cref="BoundedLog"/>.</summary>
public sealed record LogLine(DateTimeOffset Time, string Text);
