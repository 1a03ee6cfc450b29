using System.Buffers;
using System.IO.Pipelines;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Iscsi.Transport;

namespace StateSave.Target.Tests.TestSupport;

/// <summary>
/// A scripted initiator for target tests: sends exactly the PDUs a test builds, reads whatever the target
/// answers, and keeps a transcript of every byte both ways (for captures decoded by tshark).
/// </summary>
internal sealed class TestInitiator(IIscsiTransportConnection connection) : IAsyncDisposable
{
    public const string InitiatorName = "iqn.2026-11.org.statesave:test-initiator";

    private PduReaderOptions _readerOptions = new() { Direction = PduDirection.FromTarget, MaxRecvDataSegmentLength = 262144 };
    private DigestOptions _digests;

    public Isid Isid { get; set; } = Isid.FromFields(Isid.TypeRandom, 0, 0x1234, 0x56, 0);

    public uint CmdSN { get; set; } = 1;

    public uint ExpStatSN { get; set; }

    public List<(bool FromInitiator, byte[] Bytes)> Transcript { get; } = [];

    public static async Task<TestInitiator> ConnectAsync(InMemoryTransport network, string endPoint) =>
        new(await network.ConnectAsync(new InMemoryEndPoint(endPoint)));

    public void UseDigests(DigestOptions digests)
    {
        _digests = digests;
        _readerOptions = _readerOptions with { Digests = digests };
    }

    public async Task SendAsync<TPdu>(TPdu pdu) where TPdu : struct, IIscsiPdu<TPdu>
    {
        var buffer = new ArrayBufferWriter<byte>();
        IscsiPduWriter.Write(buffer, pdu, _digests);
        byte[] bytes = buffer.WrittenSpan.ToArray();
        Transcript.Add((true, bytes));
        await connection.Output.WriteAsync(bytes);
    }

    /// <summary>Sends raw bytes (a deliberately malformed PDU).</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        Transcript.Add((true, bytes));
        await connection.Output.WriteAsync(bytes);
    }

    /// <summary>The next PDU from the target, or null when none arrives within <paramref name="timeout"/> or the connection ends.</summary>
    public async Task<ReceivedPdu?> ReceiveAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        PipeReader input = connection.Input;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(cancel.Token);
            }
            catch (Exception error) when (error is OperationCanceledException or IOException)
            {
                return null; // nothing within the timeout, or the target closed/reset the connection
            }

            ReadOnlySequence<byte> buffer = result.Buffer;
            ReadOnlySequence<byte> start = buffer;
            if (IscsiPduReader.TryRead(ref buffer, _readerOptions, out IscsiPdu pdu))
            {
                byte[] bytes = start.Slice(0, pdu.WireLength).ToArray();
                var received = new ReceivedPdu(pdu.Opcode, bytes, pdu.DataSegment.ToArray(), _readerOptions);
                input.AdvanceTo(buffer.Start);
                Transcript.Add((false, bytes));
                return received;
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>A one-request login straight to the full feature phase (operational stage only).</summary>
    public async Task<(LoginResponsePdu Response, IReadOnlyList<TextKeyValue> Pairs)> LoginAsync(
        string? targetName, IEnumerable<TextKeyValue>? extra = null, string sessionType = "Normal", ushort tsih = 0)
    {
        List<TextKeyValue> pairs = [new(TextKeyNames.InitiatorName, InitiatorName), new(TextKeyNames.SessionType, sessionType)];
        if (targetName is not null)
        {
            pairs.Add(new(TextKeyNames.TargetName, targetName));
        }

        pairs.AddRange(extra ?? []);
        await SendAsync(new LoginRequestPdu
        {
            Transit = true,
            CurrentStage = LoginStage.LoginOperationalNegotiation,
            NextStage = LoginStage.FullFeaturePhase,
            Isid = Isid,
            Tsih = tsih,
            InitiatorTaskTag = 1,
            CmdSN = CmdSN,
            ExpStatSN = ExpStatSN,
            DataSegment = new ReadOnlySequence<byte>(TextCodec.Encode(pairs)),
        });
        ReceivedPdu reply = await ReceiveAsync() ?? throw new InvalidOperationException("no Login Response");
        LoginResponsePdu response = reply.As<LoginResponsePdu>();
        ExpStatSN = response.StatSN + 1;
        IReadOnlyList<TextKeyValue> answered = TextCodec.Decode(reply.Data);
        if (response.Status.IsSuccess && !response.Transit)
        {
            // The target offered keys of its own: accept each (the last choice of a list, e.g. HeaderDigest=None), then ask to transit again.
            TextKeyValue[] acceptances = [.. answered.Where(p => NegotiatedKeys.Contains(p.Key)).Select(p => new TextKeyValue(p.Key, p.Value.Split(',')[^1]))];
            await SendAsync(new LoginRequestPdu
            {
                Transit = true,
                CurrentStage = LoginStage.LoginOperationalNegotiation,
                NextStage = LoginStage.FullFeaturePhase,
                Isid = Isid,
                Tsih = tsih,
                InitiatorTaskTag = 1,
                CmdSN = CmdSN,
                ExpStatSN = ExpStatSN,
                DataSegment = new ReadOnlySequence<byte>(TextCodec.Encode(acceptances)),
            });
            reply = await ReceiveAsync() ?? throw new InvalidOperationException("no Login Response");
            response = reply.As<LoginResponsePdu>();
            ExpStatSN = response.StatSN + 1;
            answered = [.. answered, .. TextCodec.Decode(reply.Data)];
        }

        return (response, answered);
    }

    private static readonly HashSet<string> NegotiatedKeys =
    [
        TextKeyNames.HeaderDigest, TextKeyNames.DataDigest, TextKeyNames.MaxConnections, TextKeyNames.InitialR2T, TextKeyNames.ImmediateData,
        TextKeyNames.MaxBurstLength, TextKeyNames.FirstBurstLength, TextKeyNames.DefaultTime2Wait, TextKeyNames.DefaultTime2Retain,
        TextKeyNames.MaxOutstandingR2T, TextKeyNames.DataPDUInOrder, TextKeyNames.DataSequenceInOrder, TextKeyNames.ErrorRecoveryLevel,
    ];

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}

/// <summary>One PDU as received, copied out of the pipe.</summary>
internal sealed record ReceivedPdu(IscsiOpcode Opcode, byte[] Bytes, byte[] Data, PduReaderOptions Options)
{
    public TPdu As<TPdu>() where TPdu : struct, IIscsiPdu<TPdu>
    {
        var sequence = new ReadOnlySequence<byte>(Bytes);
        IscsiPduReader.TryRead(ref sequence, Options, out IscsiPdu pdu);
        return pdu.As<TPdu>();
    }
}
