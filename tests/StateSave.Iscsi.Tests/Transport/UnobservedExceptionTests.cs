using System.IO.Pipelines;
using System.Net;
using StateSave.Iscsi.Transport;

namespace StateSave.Iscsi.Tests.Transport;

/// <summary>Resets, aborts and races must not leave faulted tasks nobody observes.</summary>
[TestFixture]
[NonParallelizable]
public sealed class UnobservedExceptionTests
{
    [Test]
    public async Task TeardownScenarios_LeaveNoUnobservedTaskExceptions()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var unobserved = new List<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            lock (unobserved)
            {
                unobserved.Add(e.Exception);
            }
        }

        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            await using SocketTransportListener listener = SocketTransportListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var connector = new SocketTransportConnector();
            for (int i = 0; i < 20; i++)
            {
                ValueTask<IIscsiTransportConnection?> accept = listener.AcceptAsync(timeout.Token);
                IIscsiTransportConnection client = await connector.ConnectAsync(listener.LocalEndPoint, timeout.Token);
                IIscsiTransportConnection server = (await accept)!;
                await RunScenarioAsync(i, client, server, timeout.Token);

                (IIscsiTransportConnection memClient, IIscsiTransportConnection memServer) = InMemoryTransport.CreatePair();
                await RunScenarioAsync(i, memClient, memServer, timeout.Token);
            }

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }

        Assert.That(unobserved.Where(e => e.ToString().Contains("StateSave", StringComparison.Ordinal)), Is.Empty);
    }

    private static async Task RunScenarioAsync(int scenario, IIscsiTransportConnection client, IIscsiTransportConnection server, CancellationToken token)
    {
        Task<ReadResult> pendingRead = server.Input.ReadAsync(token).AsTask();
        await client.Output.WriteAsync(new byte[10_000], token);
        switch (scenario % 4)
        {
            case 0:
                client.Abort("scenario abort");
                break;
            case 1:
                await Task.WhenAll(client.DisposeAsync().AsTask(), server.DisposeAsync().AsTask(), Task.Run(() => server.Abort("race"), token));
                break;
            case 2:
                await client.Output.CompleteAsync(new InvalidOperationException("writer failed"));
                break;
            default:
                await server.DisposeAsync();
                break;
        }

        try
        {
            await pendingRead.WaitAsync(token);
        }
        catch (TransportException)
        {
            // A reset: expected in the abort scenarios.
        }

        await client.DisposeAsync();
        await server.DisposeAsync();
    }
}
