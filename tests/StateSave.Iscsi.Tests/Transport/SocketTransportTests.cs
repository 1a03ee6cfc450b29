using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using StateSave.Iscsi.Transport;

namespace StateSave.Iscsi.Tests.Transport;

/// <summary>What only the TCP transport has: binding, refused connects, resets from a raw peer.</summary>
[TestFixture]
public sealed class SocketTransportTests
{
    private CancellationTokenSource _timeout = null!;

    private CancellationToken Token => _timeout.Token;

    [SetUp]
    public void StartTimeout() => _timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

    [TearDown]
    public void StopTimeout() => _timeout.Dispose();

    [Test]
    public async Task BindToPortZero_ReportsTheRealPort()
    {
        await using SocketTransportListener listener = SocketTransportListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var bound = (IPEndPoint)listener.LocalEndPoint;
        Assert.That(bound.Port, Is.Not.Zero);

        ValueTask<IIscsiTransportConnection?> accept = listener.AcceptAsync(Token);
        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await raw.ConnectAsync(bound, Token);
        await using IIscsiTransportConnection? server = await accept;

        Assert.That(((IPEndPoint)server!.LocalEndPoint!).Port, Is.EqualTo(bound.Port));
    }

    [Test]
    public async Task Ipv6Loopback_RoundTrip()
    {
        if (!SocketTestEnvironment.IsIPv6LoopbackAvailable())
        {
            Assert.Ignore("The IPv6 loopback (::1) is not available here.");
        }

        await using SocketTransportListener listener = SocketTransportListener.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        ValueTask<IIscsiTransportConnection?> accept = listener.AcceptAsync(Token);
        await using IIscsiTransportConnection client = await new SocketTransportConnector().ConnectAsync(listener.LocalEndPoint, Token);
        await using IIscsiTransportConnection? server = await accept;

        await client.Output.WriteAsync("over ::1"u8.ToArray(), Token);
        byte[] received = await server!.Input.ReadWholeMessageAsync(8, Token);

        Assert.Multiple(() =>
        {
            Assert.That(received, Is.EqualTo("over ::1"u8.ToArray()));
            Assert.That(((IPEndPoint)client.RemoteEndPoint!).Address, Is.EqualTo(IPAddress.IPv6Loopback));
        });
    }

    [Test]
    public async Task ConnectRefused_ThrowsTransportExceptionNamingTheEndPoint()
    {
        // A bound socket that does not listen: connecting to it is refused, and nobody else can take the port meanwhile.
        using var notListening = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        notListening.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint target = notListening.LocalEndPoint!;

        TransportException? ex = Assert.ThrowsAsync<TransportException>(
            async () => await new SocketTransportConnector().ConnectAsync(target, Token));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain(target.ToString()));
            Assert.That(ex.InnerException, Is.InstanceOf<SocketException>());
            Assert.That(((SocketException)ex.InnerException!).SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused));
        });
    }

    [Test]
    public async Task PeerReset_IsRecordedAsConnectionReset()
    {
        await using SocketTransportListener listener = SocketTransportListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        ValueTask<IIscsiTransportConnection?> accept = listener.AcceptAsync(Token);
        var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await raw.ConnectAsync(listener.LocalEndPoint, Token);
        await using IIscsiTransportConnection? server = await accept;

        Task<byte[]> read = server!.Input.ReadToEndAsync(Token);
        raw.LingerState = new LingerOption(true, 0);
        raw.Dispose(); // RST

        TransportException? ex = Assert.ThrowsAsync<TransportException>(async () => await read.WaitAsync(Token));
        ConnectionEnd end = await server.Closed.WaitAsync(Token);

        Assert.Multiple(() =>
        {
            Assert.That(ex!.EndReason, Is.EqualTo(ConnectionEndReason.ConnectionReset));
            Assert.That(end.Reason, Is.EqualTo(ConnectionEndReason.ConnectionReset));
            Assert.That(end.Exception, Is.InstanceOf<SocketException>());
        });
    }

    [Test]
    public async Task PeerFin_CompletesInput_AsRemoteClose()
    {
        await using SocketTransportListener listener = SocketTransportListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        ValueTask<IIscsiTransportConnection?> accept = listener.AcceptAsync(Token);
        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await raw.ConnectAsync(listener.LocalEndPoint, Token);
        await using IIscsiTransportConnection? server = await accept;

        await raw.SendAsync("bye"u8.ToArray(), SocketFlags.None, Token);
        raw.Shutdown(SocketShutdown.Send);
        byte[] received = await server!.Input.ReadToEndAsync(Token);

        Assert.Multiple(() =>
        {
            Assert.That(received, Is.EqualTo("bye"u8.ToArray()));
            Assert.That(server.End?.Reason, Is.EqualTo(ConnectionEndReason.RemoteClose));
        });

        // Closing our side sends our FIN: the raw peer reads end of stream.
        await server.Output.CompleteAsync();
        byte[] buffer = new byte[16];
        Assert.That(await raw.ReceiveAsync(buffer, SocketFlags.None, Token), Is.Zero);
        Assert.That((await server.Closed.WaitAsync(Token)).Reason, Is.EqualTo(ConnectionEndReason.RemoteClose));
    }

    [Test]
    public async Task Abort_SendsResetToARawPeer()
    {
        await using SocketTransportListener listener = SocketTransportListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        ValueTask<IIscsiTransportConnection?> accept = listener.AcceptAsync(Token);
        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await raw.ConnectAsync(listener.LocalEndPoint, Token);
        await using IIscsiTransportConnection? server = await accept;

        server!.Abort("protocol error");
        SocketException? ex = Assert.ThrowsAsync<SocketException>(
            async () => await raw.ReceiveAsync(new byte[16], SocketFlags.None, Token));

        Assert.That(ex!.SocketErrorCode, Is.EqualTo(SocketError.ConnectionReset));
    }

    [Test]
    public async Task AcceptAsync_ReturnsNullOnceDisposed_AndHonoursCancellation()
    {
        SocketTransportListener listener = SocketTransportListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        using (var cancel = new CancellationTokenSource())
        {
            ValueTask<IIscsiTransportConnection?> cancelled = listener.AcceptAsync(cancel.Token);
            await cancel.CancelAsync();
            Assert.That(async () => await cancelled, Throws.InstanceOf<OperationCanceledException>());
        }

        ValueTask<IIscsiTransportConnection?> pending = listener.AcceptAsync(Token);
        await listener.DisposeAsync();
        await listener.DisposeAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(await pending.AsTask().WaitAsync(Token), Is.Null);
            Assert.That(await listener.AcceptAsync(Token), Is.Null);
        });
    }

    [Test]
    public async Task WriterBackPressure_PausesWhenPeerDoesNotRead_AndAbortReleasesIt()
    {
        // The peer never reads: socket buffers and the output pipe fill, the application's flush waits.
        // Abort must release that flush (IsCompleted) rather than leave it hanging.
        await using SocketTransportListener listener = SocketTransportListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        ValueTask<IIscsiTransportConnection?> accept = listener.AcceptAsync(Token);
        using var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        raw.ReceiveBufferSize = 4096;
        await raw.ConnectAsync(listener.LocalEndPoint, Token);
        await using IIscsiTransportConnection? server = await accept;

        byte[] chunk = new byte[64 * 1024];
        Task<FlushResult> pending;
        while (true)
        {
            ValueTask<FlushResult> write = server!.Output.WriteAsync(chunk, Token);
            if (!write.IsCompleted)
            {
                pending = write.AsTask();
                break;
            }

            Assert.That((await write).IsCompleted, Is.False);
        }

        server.Abort("peer stopped reading");
        FlushResult flush = await pending.WaitAsync(Token);

        Assert.Multiple(async () =>
        {
            Assert.That(flush.IsCompleted, Is.True, "a flush after the connection ended reports completion");
            Assert.That((await server.Closed.WaitAsync(Token)).Reason, Is.EqualTo(ConnectionEndReason.Aborted));
        });
    }
}
