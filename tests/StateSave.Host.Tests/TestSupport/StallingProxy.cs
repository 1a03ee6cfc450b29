using System.Net;
using System.Net.Sockets;

namespace StateSave.Host.Tests.TestSupport;

/// <summary>
/// A TCP proxy between an initiator and a portal that can make the path fail: <see cref="Stall"/> stops forwarding
/// without closing anything (bytes are read and dropped, as a black-holed link would lose them; connections that
/// stalled never forward again, and new ones forward nothing until <see cref="Resume"/>); <see cref="Sever"/> closes
/// every connection at once.
/// </summary>
internal sealed class StallingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly EndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<Link> _links = [];
    private readonly Task _accepting;
    private volatile bool _stalled;

    public StallingProxy(EndPoint upstream)
    {
        _upstream = upstream;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
    }

    public EndPoint EndPoint => _listener.LocalEndpoint;

    public void Stall()
    {
        _stalled = true;
        lock (_gate)
        {
            foreach (Link link in _links)
            {
                link.BlackHoled = true;
            }
        }
    }

    public void Resume() => _stalled = false;

    public void Sever()
    {
        lock (_gate)
        {
            foreach (Link link in _links)
            {
                link.Close();
            }

            _links.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Sever();
        try
        {
            await _accepting;
        }
        catch (Exception error) when (error is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync((IPEndPoint)_upstream, _stop.Token);
            }
            catch (SocketException)
            {
                client.Dispose();
                upstream.Dispose();
                continue;
            }

            var link = new Link(client, upstream) { BlackHoled = _stalled };
            lock (_gate)
            {
                _links.Add(link);
            }

            _ = Task.Run(() => PumpAsync(link, client.GetStream(), upstream.GetStream()));
            _ = Task.Run(() => PumpAsync(link, upstream.GetStream(), client.GetStream()));
        }
    }

    private static async Task PumpAsync(Link link, NetworkStream from, NetworkStream to)
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReadAsync(buffer);
                if (read == 0)
                {
                    break;
                }

                if (!link.BlackHoled)
                {
                    await to.WriteAsync(buffer.AsMemory(0, read));
                }
            }
        }
        catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }

        link.Close();
    }

    private sealed class Link(TcpClient client, TcpClient upstream)
    {
        public volatile bool BlackHoled;

        public void Close()
        {
            client.Dispose();
            upstream.Dispose();
        }
    }
}
