using StateSave.Host.Applications;
using StateSave.Host.Hosts;
using StateSave.Host.Tests.TestSupport;

namespace StateSave.Host.Tests.Applications;

public sealed class VerifyingWorkloadTests
{
    [Test]
    public async Task A_block_changed_behind_the_workloads_back_is_a_verification_failure()
    {
        await using DualPortalTarget target = await DualPortalTarget.StartAsync();
        await using EmulatedHost host = TestHosts.TwoPaths("corrupt", target.PortalA, target.PortalB, DualPortalTarget.TargetName).Build();
        await host.StartAsync();
        var writer = new VerifyingWorkload(host.Devices[0], new VerifyingWorkloadOptions
        {
            ReadPercent = 0, BlockCounts = [8], QueueDepth = 1, RegionBlocks = 64, MaxOperations = 32,
        });
        await writer.RunAsync(CancellationToken.None);
        Assert.That(writer.Statistics.Writes, Is.EqualTo(32));

        // Flip one byte of every block in the store, behind the host's back.
        byte[] block = new byte[512];
        for (ulong lba = 0; lba < 64; lba++)
        {
            await target.Stores[0].ReadAsync(lba, block, CancellationToken.None);
            block[100] ^= 0xFF;
            await target.Stores[0].WriteAsync(lba, block, CancellationToken.None);
        }

        long failures = await writer.VerifyRegionAsync(CancellationToken.None);
        Assert.That(failures, Is.EqualTo(64));
        Assert.That(writer.Statistics.VerificationFailures, Is.EqualTo(64));
        Assert.That(writer.Log.ToSnapshot().Select(e => e.Message), Has.Some.Contains("BadChecksum"));
    }

    [Test]
    public async Task Reads_and_writes_verify_and_count()
    {
        await using DualPortalTarget target = await DualPortalTarget.StartAsync();
        await using EmulatedHost host = TestHosts.TwoPaths("count", target.PortalA, target.PortalB, DualPortalTarget.TargetName).Build();
        await host.StartAsync();
        var workload = new VerifyingWorkload(host.Devices[0], new VerifyingWorkloadOptions
        {
            ReadPercent = 70, BlockCounts = [1, 4], QueueDepth = 4, RegionStart = 1000, RegionBlocks = 256, MaxOperations = 500,
        });
        await workload.RunAsync(CancellationToken.None);
        WorkloadStatistics stats = workload.Statistics;
        Assert.Multiple(() =>
        {
            Assert.That(stats.Operations, Is.EqualTo(500));
            Assert.That(stats.Reads + stats.Writes, Is.EqualTo(500));
            Assert.That(stats.BytesRead + stats.BytesWritten, Is.GreaterThanOrEqualTo(500 * 512));
            Assert.That(stats.Errors, Is.Zero);
            Assert.That(stats.VerificationFailures, Is.Zero);
            Assert.That(stats.LatencyBuckets.Sum(), Is.EqualTo(500));
            Assert.That(workload.Log.ToSnapshot(), Has.Count.EqualTo(2), "start and stop lines");
        });
    }

    [Test]
    public async Task A_region_with_fewer_extents_than_the_queue_depth_is_refused()
    {
        await using DualPortalTarget target = await DualPortalTarget.StartAsync();
        await using EmulatedHost host = TestHosts.TwoPaths("small", target.PortalA, target.PortalB, DualPortalTarget.TargetName).Build();
        await host.StartAsync();
        ArgumentException? error = Assert.Throws<ArgumentException>(() => _ = new VerifyingWorkload(host.Devices[0],
            new VerifyingWorkloadOptions { BlockCounts = [32], QueueDepth = 8, RegionBlocks = 128 }));
        Assert.That(error!.Message, Does.Contain("4 extents of 32 blocks, fewer than the queue depth 8"));
    }
}
