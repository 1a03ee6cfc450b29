using StateSave.Iscsi.Transport;

namespace StateSave.Iscsi.Tests.Transport;

/// <summary>The conformance suite over <see cref="InMemoryTransport.CreatePair(TransportOptions?)"/>.</summary>
[TestFixture]
public sealed class InMemoryPairConformanceTests : TransportConformanceTests
{
    protected override Task<(IIscsiTransportConnection Client, IIscsiTransportConnection Server)> CreatePairCoreAsync(
        TransportOptions options, CancellationToken cancellationToken) =>
        Task.FromResult(InMemoryTransport.CreatePair(options));
}

/// <summary>The conformance suite over the in-memory listener and connector.</summary>
[TestFixture]
public sealed class InMemoryListenerConformanceTests : TransportConformanceTests
{
    protected override async Task<(IIscsiTransportConnection Client, IIscsiTransportConnection Server)> CreatePairCoreAsync(
        TransportOptions options, CancellationToken cancellationToken)
    {
        var network = new InMemoryTransport(options);
        IIscsiTransportListener listener = Track(network.Listen(new InMemoryEndPoint("target"), options));
        IIscsiTransportConnection client = await network.ConnectAsync(listener.LocalEndPoint, cancellationToken);
        IIscsiTransportConnection? server = await listener.AcceptAsync(cancellationToken);
        return (client, server!);
    }
}
