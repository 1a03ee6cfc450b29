using System.Reflection;
using Microsoft.Extensions.Logging;
using StateSave.Iscsi.Transport;

namespace StateSave.Iscsi.Tests.Transport;

[TestFixture]
public sealed class TransportLogTests
{
    [Test]
    public void EventIds_AreUniqueAndInTheTransportRange()
    {
        Type log = typeof(TransportOptions).Assembly.GetType("StateSave.Iscsi.Logging.TransportLog", throwOnError: true)!;
        LoggerMessageAttribute[] attributes = log.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .ToArray();

        Assert.That(attributes, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            Assert.That(attributes.Select(a => a.EventId), Is.All.InRange(300, 399));
            Assert.That(attributes.Select(a => a.EventId), Is.Unique);
            Assert.That(attributes.Select(a => a.EventName), Is.All.Not.Null.And.Not.Empty);
            Assert.That(attributes.Select(a => a.EventName), Is.Unique);
        });
    }

    [Test]
    public async Task AbortAndClose_AreLogged()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var logs = new CapturingLoggerFactory();
        var options = new TransportOptions { LoggerFactory = logs };
        var network = new InMemoryTransport(options);
        await using IIscsiTransportListener listener = network.Listen(new InMemoryEndPoint("logged"), options);
        await using IIscsiTransportConnection client = await network.ConnectAsync(listener.LocalEndPoint, timeout.Token);
        await using IIscsiTransportConnection? server = await listener.AcceptAsync(timeout.Token);

        client.Abort("protocol error");
        await client.Closed.WaitAsync(timeout.Token);
        await server!.Closed.WaitAsync(timeout.Token);

        string?[] names = logs.Entries.Select(e => e.EventId.Name).ToArray();
        Assert.That(names, Is.SupersetOf(new[] { "ListenerStarted", "ConnectionConnected", "ConnectionAccepted", "ConnectionAborted", "ConnectionClosed" }));
        Assert.That(logs.Entries.Where(e => e.EventId.Name == "ConnectionClosed").Select(e => e.Message),
            Has.Some.Contains("ConnectionReset").And.Some.Contains("Aborted"));
    }
}
