using System.Collections;

namespace StateSave.Iscsi.Negotiation;

/// <summary>The outcome of each negotiated extension key, compared by value.</summary>
public sealed class ExtensionKeyDictionary : IReadOnlyDictionary<string, string>, IEquatable<ExtensionKeyDictionary>
{
    private readonly SortedDictionary<string, string> _values;

    public static ExtensionKeyDictionary Empty { get; } = new(new Dictionary<string, string>());

    public ExtensionKeyDictionary(IEnumerable<KeyValuePair<string, string>> values) =>
        _values = new SortedDictionary<string, string>(values.ToDictionary(StringComparer.Ordinal), StringComparer.Ordinal);

    public string this[string key] => _values[key];
    public IEnumerable<string> Keys => _values.Keys;
    public IEnumerable<string> Values => _values.Values;
    public int Count => _values.Count;
    public bool ContainsKey(string key) => _values.ContainsKey(key);
    public bool TryGetValue(string key, out string value) => _values.TryGetValue(key, out value!);
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _values.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(ExtensionKeyDictionary? other) => other is not null && _values.SequenceEqual(other._values);
    public override bool Equals(object? obj) => Equals(obj as ExtensionKeyDictionary);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (KeyValuePair<string, string> pair in _values)
        {
            hash.Add(pair.Key, StringComparer.Ordinal);
            hash.Add(pair.Value, StringComparer.Ordinal);
        }
        return hash.ToHashCode();
    }

    public override string ToString() => string.Join(", ", _values.Select(p => p.Key + "=" + p.Value));
}
