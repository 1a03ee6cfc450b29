using System.Globalization;
using System.Net;

namespace StateSave.Initiator.Discovery;

/// <summary>
/// A TargetAddress value (RFC 7143 §13.8): <c>domainname[:port][,portal-group-tag]</c> where the domain name is
/// a DNS name, an IPv4 address, or an IPv6 address in brackets.
/// </summary>
public readonly record struct TargetPortalAddress(string Host, int Port, ushort? PortalGroupTag)
{
    /// <summary>The well-known iSCSI port.</summary>
    public const int DefaultPort = 3260;

    public static TargetPortalAddress Parse(string value) =>
        TryParse(value, out TargetPortalAddress address) ? address : throw new FormatException($"'{value}' is not a TargetAddress.");

    public static bool TryParse(string? value, out TargetPortalAddress address)
    {
        address = default;
        if (string.IsNullOrEmpty(value) || value.Length > 255)
        {
            return false;
        }

        ReadOnlySpan<char> text = value;
        ushort? tag = null;
        int comma = text.LastIndexOf(',');
        if (comma >= 0)
        {
            if (!ushort.TryParse(text[(comma + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out ushort parsedTag))
            {
                return false;
            }

            tag = parsedTag;
            text = text[..comma];
        }

        string host;
        ReadOnlySpan<char> rest;
        if (text.StartsWith("["))
        {
            int close = text.IndexOf(']');
            if (close < 2)
            {
                return false;
            }

            host = text[1..close].ToString();
            if (!IPAddress.TryParse(host, out IPAddress? v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                return false;
            }

            rest = text[(close + 1)..];
        }
        else
        {
            int colon = text.IndexOf(':');
            if (colon >= 0 && text[(colon + 1)..].Contains(':'))
            {
                return false; // a bare IPv6 address must be bracketed
            }

            host = (colon >= 0 ? text[..colon] : text).ToString();
            rest = colon >= 0 ? text[colon..] : [];
        }

        if (host.Length == 0)
        {
            return false;
        }

        int port = DefaultPort;
        if (!rest.IsEmpty)
        {
            if (rest[0] != ':' || !int.TryParse(rest[1..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                return false;
            }
        }

        address = new TargetPortalAddress(host, port, tag);
        return true;
    }

    /// <summary>An <see cref="IPEndPoint"/> for an address literal, a <see cref="DnsEndPoint"/> for a name.</summary>
    public EndPoint ToEndPoint() =>
        IPAddress.TryParse(Host, out IPAddress? ip) ? new IPEndPoint(ip, Port) : new DnsEndPoint(Host, Port);

    public override string ToString()
    {
        string host = Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;
        return PortalGroupTag is { } tag ? $"{host}:{Port},{tag}" : $"{host}:{Port}";
    }
}
