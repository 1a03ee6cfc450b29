using System.Net;
using BenchmarkDotNet.Attributes;
using StateSave.Initiator.Commands;
using StateSave.Initiator.Configuration;
using StateSave.Initiator.Scsi;
using StateSave.Initiator.Sessions;
using StateSave.Scsi;

namespace StateSave.Initiator.Benchmarks;

/// <summary>
/// One SCSI command through the initiator's whole path (queue, CmdSN window, PDU encode, read loop, Data-In
/// placement, completion) against <see cref="EchoTarget"/>, which allocates nothing itself: the Allocated column is
/// the initiator's per-command allocation.
/// </summary>
public class InitiatorCommandBenchmarks
{
    private const int Depth = 16;
    private IscsiSession _session = null!;
    private ScsiClient _client = null!;
    private byte[][] _buffers = null!;
    private ValueTask<ScsiCommandResponse>[] _inFlight = null!;

    [Params(4096, 65536)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var initiator = new IscsiInitiator(new InitiatorOptions { Transport = new EchoTarget(), QueueDepth = Depth });
        _session = initiator.LoginAsync(new DnsEndPoint("echo", 3260), "iqn.2026-11.org.statesave:echo").GetAwaiter().GetResult();
        _client = new ScsiClient(_session, LogicalUnitNumber.Zero);
        _buffers = Enumerable.Range(0, Depth).Select(_ => new byte[Size]).ToArray();
        _inFlight = new ValueTask<ScsiCommandResponse>[Depth];
        if (!_client.Read10Async(0, (ushort)(Size / 512), _buffers[0]).AsTask().GetAwaiter().GetResult().IsGood)
        {
            throw new InvalidOperationException("The echo target did not answer GOOD.");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _session.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Description = "READ(10), queue depth 1")]
    public async Task<bool> ReadDepth1() => (await _client.Read10Async(0, (ushort)(Size / 512), _buffers[0])).IsGood;

    [Benchmark(Description = "WRITE(10), queue depth 1 (immediate data)")]
    public async Task<bool> WriteDepth1() => (await _client.Write10Async(0, (ushort)(Size / 512), _buffers[0])).IsGood;

    [Benchmark(Description = "READ(10), queue depth 16", OperationsPerInvoke = Depth)]
    public async Task<int> ReadDepth16()
    {
        for (int i = 0; i < Depth; i++)
        {
            // Each value task is stored once and awaited once below: 16 commands in flight together.
#pragma warning disable CA2012
            _inFlight[i] = _client.Read10Async((uint)i, (ushort)(Size / 512), _buffers[i]);
#pragma warning restore CA2012
        }

        int good = 0;
        for (int i = 0; i < Depth; i++)
        {
            good += (await _inFlight[i]).IsGood ? 1 : 0;
        }

        return good;
    }
}
