using BenchmarkDotNet.Attributes;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Scsi;

namespace StateSave.Benchmarks.Target;

/// <summary>
/// One SCSI command through the whole target path: the target connection's read loop, CmdSN admission, the target task,
/// the SCSI target device and block logical unit over a memory block store, Data-In or R2T/Data-Out, the status. The
/// client (<see cref="RawInitiator"/>) is synchronous and allocates nothing per command. Over
/// <see cref="TargetTransport.Pipes"/> the Allocated column is therefore the target's own per-command allocation; over
/// <see cref="TargetTransport.InMemory"/> it adds the in-memory transport's (its loops at both ends).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet calls [GlobalCleanup], which disposes them.")]
public class TargetDispatchBenchmarks
{
    private const int Depth = 32;

    // Reads come from LBA 0 onwards (pre-written), writes go to a separate area.
    private const uint WriteLogicalBlockAddress = 1 << 14;

    private StorageTarget _target = null!;

    // InitialR2T=No, ImmediateData=Yes: a write carries its data in the command.
    private RawInitiator _immediate = null!;

    // InitialR2T=Yes, ImmediateData=No: a write's data is solicited by an R2T.
    private RawInitiator _solicited = null!;
    private byte[] _contents = null!;
    private PreparedCommand[] _reads = null!;
    private PreparedCommand _immediateWrite = null!;
    private PreparedCommand _solicitedWrite = null!;
    private PreparedCommand _readBack = null!;
    private byte[][] _readBuffers = null!;
    private byte[] _readBackBuffer = null!;

    [Params(4096, 131072)]
    public int Size { get; set; }

    [Params(TargetTransport.InMemory, TargetTransport.Pipes)]
    public TargetTransport Transport { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ushort blocks = (ushort)(Size / StorageTarget.BlockLength);
        _contents = new byte[Depth * Size];
        new Random(7143).NextBytes(_contents);
        _target = new StorageTarget(Transport, 2 * WriteLogicalBlockAddress, _contents);

        string burst = Math.Max(Size, 262144).ToString(System.Globalization.CultureInfo.InvariantCulture);
        _immediate = RawInitiator.Login(_target.Connect(), Isid.FromFields(Isid.TypeRandom, 0, 0x5354, 0x41, 1), StorageTarget.TargetName,
        [
            new(TextKeyNames.InitialR2T, "No"), new(TextKeyNames.ImmediateData, "Yes"),
            new(TextKeyNames.MaxBurstLength, burst), new(TextKeyNames.FirstBurstLength, burst),
        ]);
        _solicited = RawInitiator.Login(_target.Connect(), Isid.FromFields(Isid.TypeRandom, 0, 0x5354, 0x41, 2), StorageTarget.TargetName,
        [
            new(TextKeyNames.InitialR2T, "Yes"), new(TextKeyNames.ImmediateData, "No"),
            new(TextKeyNames.MaxBurstLength, burst), new(TextKeyNames.FirstBurstLength, burst),
        ]);

        _reads = new PreparedCommand[Depth];
        _readBuffers = new byte[Depth][];
        for (int slot = 0; slot < Depth; slot++)
        {
            _reads[slot] = PreparedCommand.Read10((uint)(slot * blocks), blocks, StorageTarget.BlockLength);
            _readBuffers[slot] = new byte[Size];
            _immediate.SetBuffers(slot, _readBuffers[slot], null);
        }

        byte[] writeData = _contents.AsSpan(Size, Size).ToArray();
        _immediateWrite = PreparedCommand.Write10(WriteLogicalBlockAddress, writeData, StorageTarget.BlockLength, immediate: true);
        _solicitedWrite = PreparedCommand.Write10(WriteLogicalBlockAddress + blocks, writeData, StorageTarget.BlockLength, immediate: false);
        _readBack = PreparedCommand.Read10(WriteLogicalBlockAddress, (ushort)(2 * blocks), StorageTarget.BlockLength);
        _readBackBuffer = new byte[2 * Size];
        _immediate.SetBuffers(0, _readBuffers[0], writeData);
        _solicited.SetBuffers(0, _readBackBuffer, writeData);
        Verify(writeData);
    }

    /// <summary>Checks once that every timed path works: GOOD statuses, read data as written, writes read back.</summary>
    private void Verify(byte[] writeData)
    {
        // A new I_T nexus has a unit attention pending (power on / reset): TEST UNIT READY takes it.
        PreparedCommand testUnitReady = PreparedCommand.TestUnitReady();
        foreach (RawInitiator initiator in new[] { _immediate, _solicited })
        {
            for (int attempt = 0; ; attempt++)
            {
                initiator.Send(testUnitReady, 0);
                initiator.Flush();
                initiator.ReceiveStatuses(1, requireGood: false);
                if (initiator.StatusOf(0) == ScsiStatus.Good)
                {
                    break;
                }

                if (attempt == 3)
                {
                    throw new InvalidOperationException($"TEST UNIT READY still ends with {initiator.StatusOf(0)}.");
                }
            }
        }

        ReadDepth32();
        for (int slot = 0; slot < Depth; slot++)
        {
            Check(_readBuffers[slot], _contents.AsSpan(slot * Size, Size), $"READ(10) in slot {slot}");
        }

        Array.Clear(_readBuffers[0]);
        ReadDepth1();
        Check(_readBuffers[0], _contents.AsSpan(0, Size), "READ(10), queue depth 1");

        WriteImmediateDepth1();
        WriteSolicitedDepth1();
        _solicited.Send(_readBack, 0);
        _solicited.Flush();
        _solicited.ReceiveStatuses(1);
        Check(_readBackBuffer.AsSpan(0, Size), writeData, "WRITE(10) with immediate data");
        Check(_readBackBuffer.AsSpan(Size, Size), writeData, "WRITE(10) solicited by R2T");
    }

    private static void Check(ReadOnlySpan<byte> actual, ReadOnlySpan<byte> expected, string what)
    {
        if (!actual.SequenceEqual(expected))
        {
            throw new InvalidOperationException($"{what}: the data read differs from the data written.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _immediate.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _solicited.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _target.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "READ(10), queue depth 1")]
    public ScsiStatus ReadDepth1()
    {
        _immediate.Send(_reads[0], 0);
        _immediate.Flush();
        _immediate.ReceiveStatuses(1);
        return _immediate.StatusOf(0);
    }

    [Benchmark(Description = "READ(10), queue depth 32", OperationsPerInvoke = Depth)]
    public ScsiStatus ReadDepth32()
    {
        for (int slot = 0; slot < Depth; slot++)
        {
            _immediate.Send(_reads[slot], slot);
        }

        _immediate.Flush();
        _immediate.ReceiveStatuses(Depth);
        return _immediate.StatusOf(Depth - 1);
    }

    [Benchmark(Description = "WRITE(10), immediate data, queue depth 1")]
    public ScsiStatus WriteImmediateDepth1()
    {
        _immediate.Send(_immediateWrite, 0);
        _immediate.Flush();
        _immediate.ReceiveStatuses(1);
        return _immediate.StatusOf(0);
    }

    [Benchmark(Description = "WRITE(10), solicited (R2T), queue depth 1")]
    public ScsiStatus WriteSolicitedDepth1()
    {
        _solicited.Send(_solicitedWrite, 0);
        _solicited.Flush();
        _solicited.ReceiveStatuses(1);
        return _solicited.StatusOf(0);
    }
}
