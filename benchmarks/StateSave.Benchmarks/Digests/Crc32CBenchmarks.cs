using BenchmarkDotNet.Attributes;
using StateSave.Iscsi.Digests;
using X86Sse42 = System.Runtime.Intrinsics.X86.Sse42;

namespace StateSave.Benchmarks.Digests;

/// <summary>
/// CRC32C over one buffer: the path <see cref="Crc32C.Compute(ReadOnlySpan{byte})"/> takes on this machine
/// (on x64, three interleaved <c>crc32</c> streams joined by carry-less multiplies) against the single
/// <c>crc32</c> chain it replaced (the baseline) and the slicing-by-8 table. The GB/s column is
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
        if (Hardware() != Software() || SingleChain() != Software())
        {
            throw new InvalidOperationException("The accelerated and the table CRC32C disagree.");
        }
    }

    /// <summary><see cref="Crc32C.Compute(ReadOnlySpan{byte})"/> (hardware when <see cref="Crc32C.IsHardwareAccelerated"/>).</summary>
    [Benchmark]
    public uint Hardware() => Crc32C.Compute(_data);

    /// <summary>
    /// One dependent <c>crc32 r64</c> chain, the x64 path before the interleave (the table where there is no
    /// SSE4.2 on x64, so that the Ratio column stays meaningful there only against <see cref="Software"/>).
    /// </summary>
    [Benchmark(Baseline = true)]
    public uint SingleChain() => X86Sse42.X64.IsSupported
        ? Crc32C.Finish(Crc32C.UpdateX64SingleChain(Crc32C.InitialValue, _data))
        : Software();

    /// <summary>The slicing-by-8 reference.</summary>
    [Benchmark]
    public uint Software() => Crc32C.Finish(Crc32C.UpdateSoftware(Crc32C.InitialValue, _data));
}
