using System.Net;
using System.Text;
using StateSave.Demo;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Iscsi.Transport;

// The project's end-to-end demo at this stage: two ends built on the wire layer talk real iSCSI over TCP.
//   dotnet run --project samples/StateSave.Demo                      both ends in this process, on 127.0.0.1
//   dotnet run --project samples/StateSave.Demo -- --target H:PORT   the initiator end against a real target
using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
CancellationToken cancellationToken = timeout.Token;
TextWriter output = Console.Out;
const string InitiatorName = "iqn.2026-11.io.statesave:demo-host";

string? remote = args.SkipWhile(a => a != "--target").Skip(1).FirstOrDefault();
try
{
    if (remote is null)
    {
        await RunLoopbackAsync();
    }
    else
    {
        await RunAgainstTargetAsync(ParseEndPoint(remote));
    }

    output.WriteLine("demo: OK");
    return 0;
}
catch (Exception e) when (e is IscsiProtocolException or IOException or InvalidOperationException or TransportException or OperationCanceledException)
{
    output.WriteLine($"demo: FAILED: {e.GetType().Name}: {e.Message}");
    return 1;
}

async Task RunLoopbackAsync()
{
    const string TargetName = "iqn.2026-11.io.statesave:demo-target";
    await using SocketTransportListener listener = SocketTransportListener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    var portal = (IPEndPoint)listener.LocalEndPoint;
    output.WriteLine($"target: listening on {portal} as {TargetName}");

    Task responders = Task.Run(async () =>
    {
        for (int i = 0; i < 2; i++)
        {
            await using IIscsiTransportConnection? accepted = await listener.AcceptAsync(cancellationToken);
            if (accepted is null)
            {
                return;
            }

            var channel = new PduChannel(accepted, "target", PduDirection.FromInitiator, output);
            await new DemoResponder(channel, TargetName, $"{portal},1").RunAsync(cancellationToken);
        }
    }, cancellationToken);

    await DiscoverAndLogInAsync(portal, expectReject: true);
    await responders;
}

async Task RunAgainstTargetAsync(EndPoint portal)
{
    output.WriteLine($"initiator: talking to the target at {portal}");
    await DiscoverAndLogInAsync(portal, expectReject: false);
}

async Task DiscoverAndLogInAsync(EndPoint portal, bool expectReject)
{
    var connector = new SocketTransportConnector();
    string targetName;

    output.WriteLine("\n== discovery session ==");
    await using (IIscsiTransportConnection connection = await connector.ConnectAsync(portal, cancellationToken))
    {
        var initiator = new DemoInitiator(new PduChannel(connection, "initiator", PduDirection.FromTarget, output), InitiatorName, Isid.FromFields(Isid.TypeRandom, 0, 0x5353, 0, 1));
        await initiator.LoginAsync(SessionType.Discovery, null, digests: false, cancellationToken);
        IReadOnlyList<TextKeyValue> targets = await initiator.SendTargetsAsync(cancellationToken);
        targetName = targets.FirstOrDefault(p => p.Key == TextKeyNames.TargetName).Value
            ?? throw new InvalidOperationException("SendTargets returned no target.");
        output.WriteLine($"initiator: discovered {string.Join(", ", targets.Select(t => $"{t.Key}={t.Value}"))}");
        await initiator.LogoutAsync(cancellationToken);
    }

    output.WriteLine($"\n== normal session to {targetName}, header and data digests offered ==");
    await using (IIscsiTransportConnection connection = await connector.ConnectAsync(portal, cancellationToken))
    {
        var channel = new PduChannel(connection, "initiator", PduDirection.FromTarget, output);
        var initiator = new DemoInitiator(channel, InitiatorName, Isid.FromFields(Isid.TypeRandom, 0, 0x5353, 0, 2));
        NegotiatedParameters parameters = await initiator.LoginAsync(SessionType.Normal, targetName, digests: true, cancellationToken);
        output.WriteLine($"initiator: full feature phase: HeaderDigest={parameters.HeaderDigest} DataDigest={parameters.DataDigest} " +
            $"MaxRecvDataSegmentLength initiator={parameters.InitiatorMaxRecvDataSegmentLength} target={parameters.TargetMaxRecvDataSegmentLength} " +
            $"MaxBurstLength={parameters.MaxBurstLength} FirstBurstLength={parameters.FirstBurstLength} ImmediateData={parameters.ImmediateData} InitialR2T={parameters.InitialR2T}");

        int maxPing = Math.Min(parameters.TargetMaxRecvDataSegmentLength, 4096);
        foreach (int size in new[] { 0, 1, 511, maxPing })
        {
            await initiator.PingAsync(Encoding.ASCII.GetBytes(new string('p', size)), cancellationToken);
        }

        if (expectReject)
        {
            // A vendor-specific PDU this target does not implement: the RFC's answer is a Reject carrying its header.
            var vendor = new VendorSpecificPdu(IscsiOpcode.VendorSpecificInitiator1C) { Immediate = true, Flags = 0x80, InitiatorTaskTag = 0x7777 };
            await channel.SendAsync(vendor, "a PDU the demo target does not implement", cancellationToken);
            // The PDU view is only valid inside the handler: take what is needed from it there.
            (RejectReason reason, IscsiOpcode rejected) = await channel.ReceiveAsync(pdu =>
            {
                RejectPdu reject = pdu.As<RejectPdu>();
                return (reject.Reason, reject.RejectedHeader.Opcode);
            }, cancellationToken);
            output.WriteLine($"initiator: rejected with {reason}, the header of opcode 0x{(byte)rejected:x2} returned");
        }

        await initiator.LogoutAsync(cancellationToken);
    }
}

static EndPoint ParseEndPoint(string text)
{
    int colon = text.LastIndexOf(':');
    string host = text[..colon].Trim('[', ']');
    int port = int.Parse(text[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    return IPAddress.TryParse(host, out IPAddress? address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);
}
