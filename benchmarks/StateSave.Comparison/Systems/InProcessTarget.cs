using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StateSave.Comparison.Peers;
using StateSave.TargetServer;
using StateSave.TargetServer.Configuration;

namespace StateSave.Comparison.Systems;

/// <summary>
/// This project's target hosted in the harness process, assembled exactly as the target server assembles it from a
/// configuration file (<see cref="TargetServerHost"/>): one portal on 127.0.0.1, one target, LUN 1 a sparse-file LU
/// over the image file, default session limits, no logging. In-process, its managed allocations are this process's.
/// </summary>
internal sealed class InProcessTarget : IAsyncDisposable
{
    public const int Lun = 1;

    private readonly TargetServerHost _host;

    private InProcessTarget(TargetServerHost host, IPEndPoint endPoint, string targetName)
    {
        _host = host;
        EndPoint = endPoint;
        TargetName = targetName;
    }

    public IPEndPoint EndPoint { get; }

    public string TargetName { get; }

    /// <summary>The libiscsi URL of the LU.</summary>
    public string Url => string.Create(CultureInfo.InvariantCulture, $"iscsi://{EndPoint}/{TargetName}/{Lun}");

    /// <exception cref="PeerUnavailableException">The portal cannot be bound.</exception>
    public static async Task<InProcessTarget> StartAsync(int port, string imagePath, long bytes, string targetName)
    {
        var configuration = new ServerConfiguration
        {
            Portals = [new PortalConfiguration { EndPoint = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}") }],
            Targets =
            [
                new TargetConfiguration
                {
                    Name = targetName,
                    Luns =
                    [
                        new LunConfiguration
                        {
                            Lun = Lun, Backing = BackingStoreKind.SparseFile, Path = imagePath, Size = bytes.ToString(CultureInfo.InvariantCulture),
                        },
                    ],
                },
            ],
        };
        var host = new TargetServerHost(configuration);
        try
        {
            await host.StartAsync().ConfigureAwait(false);
        }
        catch (SocketException error)
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw new PeerUnavailableException($"this project's target cannot listen on 127.0.0.1:{port}: {error.Message}", error);
        }

        return new InProcessTarget(host, host.Portals[0].EndPoint, targetName);
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
