using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using StateSave.Iscsi.Transport;

namespace StateSave.Iscsi.Tests.Transport;

/// <summary>
/// Behaviour every transport must have. Each transport subclasses this fixture and supplies a connected pair.
/// Every wait is bounded by <see cref="Token"/>, so a bug fails the test instead of hanging the run.
/// </summary>
public abstract class TransportConformanceTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    private readonly List<IAsyncDisposable> _resources = [];
    private CancellationTokenSource? _timeout;

    /// <summary>Cancelled when the current test has run too long.</summary>
    protected CancellationToken Token => _timeout!.Token;

    /// <summary>Creates a connected (client, server) pair with <paramref name="options"/> on both ends.</summary>
    protected abstract Task<(IIscsiTransportConnection Client, IIscsiTransportConnection Server)> CreatePairCoreAsync(
        TransportOptions options, CancellationToken cancellationToken);

    /// <summary>Disposes <paramref name="resource"/> after the test.</summary>
    protected T Track<T>(T resource)
        where T : IAsyncDisposable
    {
        _resources.Add(resource);
        return resource;
    }

    protected async Task<(IIscsiTransportConnection Client, IIscsiTransportConnection Server)> CreatePairAsync(TransportOptions? options = null)
    {
        (IIscsiTransportConnection client, IIscsiTransportConnection server) =
            await CreatePairCoreAsync(options ?? TransportOptions.Default, Token).WaitAsync(Token);
        Track(client);
        Track(server);
        return (client, server);
    }

    [SetUp]
    public void StartTimeout() => _timeout = new CancellationTokenSource(TestTimeout);

    [TearDown]
    public async Task DisposeResourcesAsync()
    {
        try
        {
            for (int i = _resources.Count - 1; i >= 0; i--)
            {
                await _resources[i].DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        finally
        {
            _resources.Clear();
            _timeout?.Dispose();
        }
    }

    [Test]
    public async Task RoundTrip_InBothDirections()
    {
        (IIscsiTransportConnection client, IIscsiTransportConnection server) = await CreatePairAsync();

        await client.Output.WriteAsync("ping"u8.ToArray(), Token);
        byte[] atServer = await server.Input.ReadWholeMessageAsync(4, Token);
        await server.Output.WriteAsync("pong!"u8.ToArray(), Token);
        byte[] atClient = await client.Input.ReadWholeMessageAsync(5, Token);

        Assert.Multiple(() =>
        {
            Assert.That(Encoding.ASCII.GetString(atServer), Is.EqualTo("ping"));
            Assert.That(Encoding.ASCII.GetString(atClient), Is.EqualTo("pong!"));
            Assert.That(client.End, Is.Null, "an open connection has no end reason yet");
            Assert.That(server.End, Is.Null);
        });
    }

    [Test]
    public async Task Connections_HaveIdsAndEndPoints()
    {
        (IIscsiTransportConnection client, IIscsiTransportConnection server) = await CreatePairAsync();

        Assert.Multiple(() =>
        {
            Assert.That(client.ConnectionId, Is.Not.Empty);
            Assert.That(server.ConnectionId, Is.Not.EqualTo(client.ConnectionId));
            Assert.That(client.LocalEndPoint, Is.Not.Null);
            Assert.That(client.RemoteEndPoint, Is.EqualTo(server.LocalEndPoint));
            Assert.That(server.RemoteEndPoint, Is.EqualTo(client.LocalEndPoint));
        });
    }

    [Test]
    public async Task MessageLargerThanDefaultPauseThreshold_ReadOnlyWhenComplete_DoesNotDeadlock()
    {
        // A 1 MiB data segment: the input pipes are sized from it, so the reader that waits for the whole
        // message (consuming nothing until then) never faces a paused writer.
        const int dataSegmentLength = 1024 * 1024;
        var options = new TransportOptions { MaxRecvDataSegmentLength = dataSegmentLength };
        Assert.That(options.LargestPduLength, Is.GreaterThan(PipeSizing.DefaultPauseWriterThreshold));
        (IIscsiTransportConnection client, IIscsiTransportConnection server) = await CreatePairAsync(options);

        int messageLength = (int)options.LargestPduLength;
        byte[] toServer = RandomBytes(messageLength, seed: 1);
        byte[] toClient = RandomBytes(messageLength, seed: 2);

        // Both directions at once, each written in one go and flushed once.
        Task<FlushResult> clientWrite = client.Output.WriteAsync(toServer, Token).AsTask();
        Task<FlushResult> serverWrite = server.Output.WriteAsync(toClient, Token).AsTask();
        Task<byte[]> serverRead = server.Input.ReadWholeMessageAsync(messageLength, Token);
        Task<byte[]> clientRead = client.Input.ReadWholeMessageAsync(messageLength, Token);
        await Task.WhenAll(clientWrite, serverWrite, serverRead, clientRead).WaitAsync(Token);

        Assert.Multiple(() =>
        {
            Assert.That(serverRead.Result.AsSpan().SequenceEqual(toServer), Is.True, "client to server bytes");
            Assert.That(clientRead.Result.AsSpan().SequenceEqual(toClient), Is.True, "server to client bytes");
            Assert.That(clientWrite.Result.IsCompleted, Is.False);
        });
    }

    [Test]
    public async Task ManySmallWrites_ArriveInOrder()
    {
        (IIscsiTransportConnection client, IIscsiTransportConnection server) = await CreatePairAsync();
        const int count = 5000;

        Task writer = Task.Run(async () =>
        {
            for (int i = 0; i < count; i++)
            {
                Memory<byte> memory = client.Output.GetMemory(4);
                BinaryPrimitives.WriteInt32BigEndian(memory.Span, i);
                client.Output.Advance(4);
                await client.Output.FlushAsync(Token);
            }

            await client.Output.CompleteAsync();
        });

        byte[] received = await server.Input.ReadToEndAsync(Token);
        await writer.WaitAsync(Token);

        Assert.That(received, Has.Length.EqualTo(count * 4));
        for (int i = 0; i < count; i++)
        {
            Assert.That(BinaryPrimitives.ReadInt32BigEndian(received.AsSpan(i * 4)), Is.EqualTo(i));
        }
    }

    [Test]
    public async Task TinyPoisonedSegments_RoundTripWithoutCorruption()
    {
        // Every pipe segment is 16 bytes and poisoned when returned: exercises the multi-segment send path and
        // proves no loop touches memory after AdvanceTo.
        var pool = new PoisoningMemoryPool(16);
        var options = new TransportOptions { MemoryPool = pool, MinimumSegmentSize = 16 };
        (IIscsiTransportConnection client, IIscsiTransportConnection server) = await CreatePairAsync(options);
        byte[] payload = RandomBytes(64 * 1024 + 3, seed: 3);

        Task<FlushResult> write = client.Output.WriteAsync(payload, Token).AsTask();
        byte[] received = await server.Input.ReadWholeMessageAsync(payload.Length, Token);
        await write.WaitAsync(Token);

        AssertSameBytes(received, payload);
    }

    [Test]
    public async Task CompletingOutput_IsSeenByPeerAsRemoteClose_AndHalfCloseStillDeliversTheOtherWay()
    {
        (IIscsiTransportConnection client, IIscsiTransportConnection server) = await CreatePairAsync();

        await client.Output.WriteAsync("last words"u8.ToArray(), Token);
        await client.Output.CompleteAsync();

        byte[] atServer = await server.Input.ReadToEndAsync(Token);
        Assert.Multiple(() =>
        {
            Assert.That(Encoding.ASCII.GetString(atServer), Is.EqualTo("last words"));
            Assert.That(server.End?.Reason, Is.EqualTo(ConnectionEndReason.RemoteClose));
            Assert.That(client.End?.Reason, Is.EqualTo(ConnectionEndReason.LocalClose));
        });

        // Half close: the server can still answer after the client's FIN.
        await server.Output.WriteAsync("reply"u8.ToArray(), Token);
        await server.Output.CompleteAsync();
        byte[] atClient = await client.Input.ReadToEndAsync(Token);
        Assert.That(Encoding.ASCII.GetString(atClient), Is.EqualTo("reply"));

        ConnectionEnd clientEnd = await client.Closed.WaitAsync(Token);
        ConnectionEnd serverEnd = await server.Closed.WaitAsync(Token);
        Assert.Multiple(() =>
        {
            Assert.That(clientEnd.Reason, Is.EqualTo(ConnectionEndReason.LocalClose));
            Assert.That(serverEnd.Reason, Is.EqualTo(ConnectionEndReason.RemoteClose));
        });
    }

    [Test]
    public async Task Abort_RecordsCallersReason_AndPeerSeesReset()
    {
        (IIscsiTransportConnection client, IIscsiTransportConnection server) = await CreatePairAsync();
        await client.Output.WriteAsync("hi"u8.ToArray(), Token);
        await server.Input.ReadWholeMessageAsync(2, Token);

        Task<byte[]> serverRead = server.Input.ReadToEndAsync(Token);
        Task<byte[]> clientRead = client.Input.ReadToEndAsync(Token);
        var protocolError = new InvalidDataException("bad PDU");
        client.Abort("protocol error", protocolError);

        ConnectionEnd clientEnd = await client.Closed.WaitAsync(Token);
        TransportException? reset = Assert.ThrowsAsync<TransportException>(async () => await serverRead.WaitAsync(Token));
        ConnectionEnd serverEnd = await server.Closed.WaitAsync(Token);

        Assert.Multiple(async () =>
        {
            Assert.That(clientEnd.Reason, Is.EqualTo(ConnectionEndReason.Aborted));
            Assert.That(clientEnd.Message, Is.EqualTo("protocol error"));
            Assert.That(clientEnd.Exception, Is.SameAs(protocolError));
            Assert.That(await clientRead.WaitAsync(Token), Is.Empty, "the aborting side's pending read completes without error");
            Assert.That(reset?.EndReason, Is.EqualTo(ConnectionEndReason.ConnectionReset));
            Assert.That(serverEnd.Reason, Is.EqualTo(ConnectionEndReason.ConnectionReset));
        });
    }

    [Test]
    public async Task OutputCompletedWithError_IsAnAbort()
    {
        (IIscsiTransportConnection client, IIscsiTransportConnection server) = await CreatePairAsync();
        var failure = new InvalidOperationException("writer failed");

        await client.Output.CompleteAsync(failure);
        ConnectionEnd clientEnd = await client.Closed.WaitAsync(Token);
        Assert.ThrowsAsync<TransportException>(async () => await server.Input.ReadToEndAsync(Token));
        ConnectionEnd serverEnd = await server.Closed.WaitAsync(Token);

        Assert.Multiple(() =>
        {
            Assert.That(clientEnd.Reason, Is.EqualTo(ConnectionEndReason.Aborted));
            Assert.That(clientEnd.Exception, Is.SameAs(failure));
            Assert.That(serverEnd.Reason, Is.EqualTo(ConnectionEndReason.ConnectionReset));
        });
    }

    [Test]
    public async Task DisposeWhileReadPending_ReadCompletesCleanly()
    {
        (IIscsiTransportConnection client, IIscsiTransportConnection server) = await CreatePairAsync();

        ValueTask<ReadResult> pending = server.Input.ReadAsync(Token);
        Assert.That(pending.IsCompleted, Is.False);
        await server.DisposeAsync();
        ReadResult result = await pending.AsTask().WaitAsync(Token);

        Assert.Multiple(() =>
        {
            Assert.That(result.IsCompleted, Is.True);
            Assert.That(result.Buffer.IsEmpty, Is.True);
            Assert.That(server.Closed.IsCompletedSuccessfully, Is.True, "DisposeAsync waits until the connection is closed");
            Assert.That(server.Closed.Result.Reason, Is.EqualTo(ConnectionEndReason.LocalClose));
        });
        server.Input.AdvanceTo(result.Buffer.End);

        // The peer sees an orderly close.
        Assert.That(await client.Input.ReadToEndAsync(Token), Is.Empty);
        Assert.That(client.End?.Reason, Is.EqualTo(ConnectionEndReason.RemoteClose));
    }

    [Test]
    public async Task DisposeAsync_DrainsWhatWasWritten()
    {
        (IIscsiTransportConnection client, IIscsiTransportConnection server) = await CreatePairAsync();
        byte[] payload = RandomBytes(200_000, seed: 4);

        Task<byte[]> serverRead = server.Input.ReadToEndAsync(Token);
        await client.Output.WriteAsync(payload, Token);
        await client.DisposeAsync();

        AssertSameBytes(await serverRead.WaitAsync(Token), payload);
    }

    [Test]
    public async Task ConcurrentDisposeAndAbort_AreSafe()
    {
        (IIscsiTransportConnection client, IIscsiTransportConnection server) = await CreatePairAsync();
        Task<byte[]> serverRead = server.Input.ReadToEndAsync(Token);

        using var start = new ManualResetEventSlim();
        Task[] racers = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            start.Wait(Token);
            if (i % 4 == 3)
            {
                client.Abort("racing abort");
            }

            await client.DisposeAsync();
            await server.DisposeAsync();
        })).ToArray();
        start.Set();
        await Task.WhenAll(racers).WaitAsync(Token);

        ConnectionEnd clientEnd = await client.Closed.WaitAsync(Token);
        Assert.That(clientEnd.Reason, Is.AnyOf(ConnectionEndReason.LocalClose, ConnectionEndReason.Aborted));
        await server.Closed.WaitAsync(Token);

        // The server's read ended one way or the other, without hanging: an orderly end or a reset.
        try
        {
            await serverRead.WaitAsync(Token);
        }
        catch (TransportException ex)
        {
            Assert.That(ex.EndReason, Is.EqualTo(ConnectionEndReason.ConnectionReset));
        }

        // Disposing again after everything has ended is a no-op.
        await client.DisposeAsync();
        client.Abort("too late");
        Assert.That(client.End, Is.EqualTo(clientEnd));
    }

    [Test]
    public async Task Closed_CompletesWithoutDispose_WhenBothSidesClose()
    {
        (IIscsiTransportConnection client, IIscsiTransportConnection server) = await CreatePairAsync();

        await client.Output.CompleteAsync();
        await server.Output.CompleteAsync();

        Assert.Multiple(async () =>
        {
            Assert.That((await client.Closed.WaitAsync(Token)).Reason, Is.AnyOf(ConnectionEndReason.LocalClose, ConnectionEndReason.RemoteClose));
            Assert.That((await server.Closed.WaitAsync(Token)).Reason, Is.AnyOf(ConnectionEndReason.LocalClose, ConnectionEndReason.RemoteClose));
        });
    }

    // NUnit's collection equality walks large arrays element by element, slowly; a span comparison does not.
    protected static void AssertSameBytes(byte[] actual, byte[] expected)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length));
        Assert.That(actual.AsSpan().SequenceEqual(expected), Is.True, "the bytes differ");
    }

    protected static byte[] RandomBytes(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
