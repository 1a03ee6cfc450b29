using StateSave.Storage.BackingStores;

namespace StateSave.Storage.Tests.BackingStores;

public sealed class SparseFileBlockStoreTests
{
    [Test]
    public async Task Data_and_provisioning_survive_reopening()
    {
        string path = Path.Combine(Path.GetTempPath(), $"statesave-{Guid.NewGuid():N}.img");
        try
        {
            using (var store = new SparseFileBlockStore(path, 1 << 20))
            {
                await store.WriteAsync(10, Enumerable.Repeat((byte)0x42, 1024).ToArray(), CancellationToken.None);
                await store.UnmapAsync(11, 1, CancellationToken.None);
            }

            using (var reopened = new SparseFileBlockStore(path, 1 << 20))
            {
                byte[] data = new byte[1024];
                await reopened.ReadAsync(10, data, CancellationToken.None);
                Assert.Multiple(() =>
                {
                    Assert.That(data[..512], Is.All.EqualTo(0x42));
                    Assert.That(data[512..], Is.All.EqualTo(0));
                    Assert.That(reopened.GetProvisioningStatus(10, 100), Is.EqualTo(new ProvisioningExtent(10, 1, true)));
                    Assert.That(reopened.GetProvisioningStatus(11, 100), Is.EqualTo(new ProvisioningExtent(11, 100, false)));
                    Assert.That(new FileInfo(path).Length, Is.EqualTo(512L << 20));
                });
            }
        }
        finally
        {
            File.Delete(path);
            File.Delete(path + ".map");
        }
    }

    [Test]
    public async Task Memory_store_allocates_only_written_chunks_and_frees_unmapped_ones()
    {
        var store = new MemoryBlockStore(1UL << 31);
        Assert.That(store.AllocatedBytes, Is.Zero);
        await store.WriteAsync(1000, new byte[512], CancellationToken.None);
        Assert.That(store.AllocatedBytes, Is.EqualTo(64 * 1024));
        await store.UnmapAsync(896, 128, CancellationToken.None);
        Assert.That(store.AllocatedBytes, Is.Zero);
    }
}
