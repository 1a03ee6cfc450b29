using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace StateSave.TargetServer.Configuration;

/// <summary>Portal addresses as written in the configuration and on the command line: "a.b.c.d[:port]" or "[ipv6][:port]".</summary>
public static class EndPointSyntax
{
    /// <summary>The iSCSI well-known port (RFC 7143 §13.9), used when an address has none.</summary>
    public const int DefaultPort = 3260;

    /// <summary>Parses <paramref name="text"/>; <paramref name="problem"/> says why it is not an end point.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out IPEndPoint? endPoint, [NotNullWhen(false)] out string? problem)
    {
        endPoint = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "an address is required";
            return false;
        }

        string address = text;
        string? port = null;
        if (text.StartsWith('['))
        {
            int close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                problem = $"'{text}' has no ']' closing the IPv6 address";
                return false;
            }

            address = text[1..close];
            string rest = text[(close + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    problem = $"'{text}': expected ':port' after ']'";
                    return false;
                }

                port = rest[1..];
            }
        }
        else if (text.Count(c => c == ':') == 1)
        {
            int colon = text.IndexOf(':', StringComparison.Ordinal);
            address = text[..colon];
            port = text[(colon + 1)..];
        }
        else if (text.Contains(':', StringComparison.Ordinal))
        {
            problem = $"'{text}': write an IPv6 address in brackets, e.g. [::1]:3260";
            return false;
        }

        if (!IPAddress.TryParse(address, out IPAddress? ip))
        {
            problem = $"'{address}' is not an IPv4 or IPv6 address";
            return false;
        }

        int portNumber = DefaultPort;
        if (port is not null
            && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out portNumber) || portNumber > IPEndPoint.MaxPort))
        {
            problem = $"'{port}' is not a TCP port (0-65535)";
            return false;
        }

        endPoint = new IPEndPoint(ip, portNumber);
        problem = null;
        return true;
    }

    /// <summary>The text form the server prints: "a.b.c.d:port" or "[ipv6]:port".</summary>
    public static string Format(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return endPoint.ToString();
    }
}
