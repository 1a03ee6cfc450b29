using System.Net;
using StateSave.Iscsi.Transport;

namespace StateSave.Iscsi.Tests.Transport;

/// <summary>What only the in-memory network has: names, refused connects, listener lifetime.</summary>
[TestFixture]
public sealed class InMemoryTransportTests
{
    private CancellationTokenSource _timeout = null!;

    private CancellationToken Token => _timeout.Token;

    [SetUp]
    public void StartTimeout() => _timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

    [TearDown]
    public void StopTimeout() => _timeout.Dispose();

    [Test]
    public void ConnectToAnUnboundName_IsRefused()
    {
        var network = new InMemoryTransport();

        TransportException? ex = Assert.ThrowsAsync<TransportException>(
            async () => await network.ConnectAsync(new InMemoryEndPoint("nobody"), Token));

        Assert.That(ex!.Message, Does.Contain("mem:nobody"));
    }

    [Test]
    public async Task ListenTwiceOnOneName_Throws_AndTheNameIsFreedByDispose()
    {
        var network = new InMemoryTransport();
        var name = new InMemoryEndPoint("target");
        IIscsiTransportListener listener = network.Listen(name);

        Assert.Throws<TransportException>(() => network.Listen(name));
        await listener.DisposeAsync();
        await network.Listen(name).DisposeAsync();
    }

    [Test]
    public async Task DisposingTheListener_ResetsUnacceptedConnections_AndEndsAccept()
    {
        var network = new InMemoryTransport();
        IIscsiTransportListener listener = network.Listen(new InMemoryEndPoint("target"));
        await using IIscsiTransportConnection client = await network.ConnectAsync(listener.LocalEndPoint, Token);

        await listener.DisposeAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(await listener.AcceptAsync(Token), Is.Null);
            Assert.That((await client.Closed.WaitAsync(Token)).Reason, Is.EqualTo(ConnectionEndReason.ConnectionReset));
            Assert.That(async () => await network.ConnectAsync(listener.LocalEndPoint, Token), Throws.InstanceOf<TransportException>());
        });
    }

    [Test]
    public void EndPoints_CompareByName()
    {
        EndPoint a = new InMemoryEndPoint("x");
        Assert.Multiple(() =>
        {
            Assert.That(a, Is.EqualTo(new InMemoryEndPoint("x")));
            Assert.That(a, Is.Not.EqualTo(new InMemoryEndPoint("y")));
            Assert.That(a.ToString(), Is.EqualTo("mem:x"));
        });
    }

    [Test]
    public async Task CreatePair_SizesEachInputFromItsOwnSide()
    {
        // Only the server accepts 1 MiB data segments: a 1 MiB message to the server goes through in one piece.
        var small = new TransportOptions { MaxRecvDataSegmentLength = 8192 };
        var large = new TransportOptions { MaxRecvDataSegmentLength = 1024 * 1024 };
        (IIscsiTransportConnection client, IIscsiTransportConnection server) = InMemoryTransport.CreatePair(small, large);
        await using (client)
        await using (server)
        {
            byte[] message = new byte[(int)large.LargestPduLength];
            Task write = client.Output.WriteAsync(message, Token).AsTask();
            byte[] received = await server.Input.ReadWholeMessageAsync(message.Length, Token);
            await write.WaitAsync(Token);
            Assert.That(received, Has.Length.EqualTo(message.Length));
        }
    }
}
