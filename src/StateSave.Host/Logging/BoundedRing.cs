namespace StateSave.Host.Logging;

/// <summary>
/// A fixed-capacity ring of records (recent events, path history, application log lines): the oldest record is
/// overwritten when the ring is full, so memory stays bounded however long a host runs. Thread-safe; a snapshot is a
/// copy in order, oldest first, taken under the lock so it is consistent.
/// </summary>
public sealed class BoundedRing<T>
{
    private readonly Lock _gate = new();
    private readonly T[] _items;
    private int _next;
    private int _count;
    private long _added;

    public BoundedRing(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _items = new T[capacity];
    }

    public int Capacity => _items.Length;

    /// <summary>Records ever added (those no longer held were overwritten: <see cref="Overwritten"/>).</summary>
    public long TotalAdded
    {
        get
        {
            lock (_gate)
            {
                return _added;
            }
        }
    }

    public long Overwritten
    {
        get
        {
            lock (_gate)
            {
                return _added - _count;
            }
        }
    }

    public void Add(T item)
    {
        lock (_gate)
        {
            _items[_next] = item;
            _next = (_next + 1) % _items.Length;
            _count = Math.Min(_count + 1, _items.Length);
            _added++;
        }
    }

    /// <summary>The records held, oldest first.</summary>
    public T[] ToArray()
    {
        lock (_gate)
        {
            var copy = new T[_count];
            int start = (_next - _count + _items.Length) % _items.Length;
            for (int i = 0; i < _count; i++)
            {
                copy[i] = _items[(start + i) % _items.Length];
            }

            return copy;
        }
    }
}
