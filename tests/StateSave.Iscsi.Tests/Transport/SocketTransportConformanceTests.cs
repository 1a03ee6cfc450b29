using System.Net;
using System.Net.Sockets;
using StateSave.Iscsi.Transport;

namespace StateSave.Iscsi.Tests.Transport;

/// <summary>The conformance suite over TCP on the IPv4 and the IPv6 loopback.</summary>
[TestFixture(AddressFamily.InterNetwork)]
[TestFixture(AddressFamily.InterNetworkV6)]
public sealed class SocketTransportConformanceTests(AddressFamily addressFamily) : TransportConformanceTests
{
    [OneTimeSetUp]
    public void RequireAddressFamily()
    {
        if (addressFamily == AddressFamily.InterNetworkV6 && !SocketTestEnvironment.IsIPv6LoopbackAvailable())
        {
            Assert.Ignore("The IPv6 loopback (::1) is not available here.");
        }
    }

    protected override async Task<(IIscsiTransportConnection Client, IIscsiTransportConnection Server)> CreatePairCoreAsync(
        TransportOptions options, CancellationToken cancellationToken)
    {
        IPAddress loopback = addressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
        SocketTransportListener listener = Track(SocketTransportListener.Bind(new IPEndPoint(loopback, 0), options));
        ValueTask<IIscsiTransportConnection?> accept = listener.AcceptAsync(cancellationToken);
        IIscsiTransportConnection client = await new SocketTransportConnector(options).ConnectAsync(listener.LocalEndPoint, cancellationToken);
        IIscsiTransportConnection? server = await accept;
        return (client, server!);
    }
}

internal static class SocketTestEnvironment
{
    public static bool IsIPv6LoopbackAvailable()
    {
        if (!Socket.OSSupportsIPv6)
        {
            return false;
        }

        try
        {
            using var probe = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
