using System.Net;
using System.Net.Sockets;

namespace StateSave.Iscsi.Transport;

/// <summary>The address of an in-memory listener or connection: just a name.</summary>
public sealed class InMemoryEndPoint : EndPoint, IEquatable<InMemoryEndPoint>
{
    public InMemoryEndPoint(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    public string Name { get; }

    public override AddressFamily AddressFamily => AddressFamily.Unspecified;

    public bool Equals(InMemoryEndPoint? other) => other is not null && string.Equals(Name, other.Name, StringComparison.Ordinal);

    public override bool Equals(object? obj) => Equals(obj as InMemoryEndPoint);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    public override string ToString() => $"mem:{Name}";
}
