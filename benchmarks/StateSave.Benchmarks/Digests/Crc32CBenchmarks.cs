using BenchmarkDotNet.Attributes;
using StateSave.Iscsi.Digests;

namespace StateSave.Benchmarks.Digests;

/// <summary>
/// CRC32C over one buffer: the path <see cref="Crc32C.Compute(ReadOnlySpan{byte})"/> takes on this machine
/// (SSE4.2 / ARMv8 CRC32C instructions when present) against the slicing-by-8 table. The GB/s column is
/// <see cref="Size"/> / Mean.
/// </summary>
[MemoryDiagnoser]
public class Crc32CBenchmarks
{
    private byte[] _data = [];

    [Params(4096, 65536, 1048576)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _data = new byte[Size];
        new Random(3720).NextBytes(_data);
        if (Hardware() != Software())
        {
            throw new InvalidOperationException("The accelerated and the table CRC32C disagree.");
        }
    }

    /// <summary><see cref="Crc32C.Compute(ReadOnlySpan{byte})"/> (hardware when <see cref="Crc32C.IsHardwareAccelerated"/>).</summary>
    [Benchmark(Baseline = true)]
    public uint Hardware() => Crc32C.Compute(_data);

    /// <summary>The slicing-by-8 reference.</summary>
    [Benchmark]
    public uint Software() => Crc32C.Finish(Crc32C.UpdateSoftware(Crc32C.InitialValue, _data));
}
