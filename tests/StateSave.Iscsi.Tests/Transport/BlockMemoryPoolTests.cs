using System.Buffers;
using System.Runtime.CompilerServices;
using StateSave.Iscsi.Transport;

namespace StateSave.Iscsi.Tests.Transport;

[TestFixture]
public sealed class BlockMemoryPoolTests
{
    [TestCase(-1, 65536)]
    [TestCase(1, 65536)]
    [TestCase(65536, 65536)]
    [TestCase(65537, 131072)]
    [TestCase(131120, 262144)]
    [TestCase(262144, 262144)]
    [TestCase(700_000, 1048576)]
    [TestCase(1048576, 1048576)]
    public void A_request_gets_the_smallest_size_class_that_holds_it(int requested, int expected)
    {
        using var pool = new BlockMemoryPool();
        using IMemoryOwner<byte> block = pool.Rent(requested);
        Assert.That(block.Memory.Length, Is.EqualTo(expected));
    }

    [Test]
    public void A_request_above_the_largest_class_is_refused()
    {
        using var pool = new BlockMemoryPool();
        Assert.That(() => pool.Rent(BlockMemoryPool.MaximumBlockSize + 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void A_returned_block_is_reused_and_a_second_dispose_does_not_hand_it_out_twice()
    {
        using var pool = new BlockMemoryPool();
        IMemoryOwner<byte> first = pool.Rent(200_000);
        first.Dispose();
        first.Dispose();
        IMemoryOwner<byte> again = pool.Rent(200_000);
        IMemoryOwner<byte> other = pool.Rent(200_000);
        Assert.Multiple(() =>
        {
            Assert.That(again, Is.SameAs(first));
            Assert.That(other, Is.Not.SameAs(first));
        });
        again.Dispose();
        other.Dispose();
    }

    [Test]
    public void Renting_and_returning_in_steady_state_allocates_nothing()
    {
        using var pool = new BlockMemoryPool();
        var held = new IMemoryOwner<byte>[8];
        Cycle(pool, held); // the blocks are made once
        long allocated = Cycle(pool, held);
        Assert.That(allocated, Is.Zero);
    }

    // Optimized at once: on-stack replacement of a long-running test loop allocates by itself while measuring.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Cycle(BlockMemoryPool pool, IMemoryOwner<byte>[] held)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            for (int j = 0; j < held.Length; j++)
            {
                held[j] = pool.Rent(65536 << (j % 5));
            }

            foreach (IMemoryOwner<byte> block in held)
            {
                block.Dispose();
            }
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
