using System.Diagnostics.CodeAnalysis;

namespace StateSave.Iscsi.Negotiation;

/// <summary>
/// The keys this side understands: every standard key plus the private ("X-") and public extension ("X#") keys the
/// embedding application registers. Keys not found here are answered NotUnderstood. Register keys before the
/// registry is shared; lookups are then safe from any thread.
/// </summary>
public sealed class TextKeyRegistry
{
    private readonly Dictionary<string, TextKeyDefinition> _byName = new(StringComparer.Ordinal);
    private readonly List<TextKeyDefinition> _definitions = [];
    private readonly bool _frozen;

    /// <summary>A registry holding the standard keys only; it cannot be extended.</summary>
    public static TextKeyRegistry Standard { get; } = new(frozen: true);

    /// <summary>Creates a registry holding the standard keys, to which private keys may be added.</summary>
    public TextKeyRegistry() : this(frozen: false)
    {
    }

    private TextKeyRegistry(bool frozen)
    {
        foreach (TextKeyDefinition definition in StandardTextKeys.All)
        {
            Add(definition);
        }
        _frozen = frozen;
    }

    /// <summary>Every definition, standard keys first, in the order offers are built.</summary>
    public IReadOnlyList<TextKeyDefinition> Definitions => _definitions;

    /// <summary>Adds a private ("X-") or public extension ("X#") key.</summary>
    /// <exception cref="InvalidOperationException">This is the shared <see cref="Standard"/> registry.</exception>
    /// <exception cref="ArgumentException">The name is not an extension key name, or is already registered.</exception>
    public void Register(TextKeyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (_frozen)
        {
            throw new InvalidOperationException("The standard registry cannot be extended; create a new TextKeyRegistry.");
        }
        if (!definition.IsPrivate || !TextCodec.IsValidKey(definition.Name))
        {
            throw new ArgumentException(
                $"'{definition.Name}' is not an extension key: only valid keys starting with X- or X# can be registered.", nameof(definition));
        }
        if (definition.Rule == NegotiationRule.AuthenticationExchange)
        {
            throw new ArgumentException("Extension keys cannot join the authentication exchange.", nameof(definition));
        }
        if (_byName.ContainsKey(definition.Name))
        {
            throw new ArgumentException($"The key {definition.Name} is already registered.", nameof(definition));
        }
        Add(definition);
    }

    public bool TryGetDefinition(string key, [NotNullWhen(true)] out TextKeyDefinition? definition) =>
        _byName.TryGetValue(key, out definition);

    /// <summary>The longest value accepted for <paramref name="key"/> (the RFC default of 255 bytes for unknown keys).</summary>
    public int GetMaxValueLength(string key) =>
        _byName.TryGetValue(key, out TextKeyDefinition? definition) ? definition.MaxValueLength : TextLimits.DefaultMaxValueLength;

    private void Add(TextKeyDefinition definition)
    {
        _byName.Add(definition.Name, definition);
        _definitions.Add(definition);
    }
}
