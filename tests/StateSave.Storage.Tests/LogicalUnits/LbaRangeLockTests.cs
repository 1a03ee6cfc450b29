using StateSave.Storage.LogicalUnits;

namespace StateSave.Storage.Tests.LogicalUnits;

public sealed class LbaRangeLockTests
{
    [Test]
    public async Task Overlapping_range_waits_and_separate_ranges_do_not()
    {
        var rangeLock = new LbaRangeLock();
        LbaRangeLease first = await rangeLock.AcquireAsync(0, 8, CancellationToken.None);
        Task<LbaRangeLease> overlapping = rangeLock.AcquireAsync(7, 2, CancellationToken.None).AsTask();
        Task<LbaRangeLease> separate = rangeLock.AcquireAsync(16, 8, CancellationToken.None).AsTask();
        Assert.Multiple(() =>
        {
            Assert.That(overlapping.IsCompleted, Is.False);
            Assert.That(separate.IsCompletedSuccessfully, Is.True);
        });

        (await separate).Dispose();
        Assert.That(overlapping.IsCompleted, Is.False);
        first.Dispose();
        (await overlapping).Dispose();
        Assert.That(rangeLock.AcquireAsync(0, 24, CancellationToken.None).AsTask().IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task Newcomer_does_not_pass_an_overlapping_waiter()
    {
        var rangeLock = new LbaRangeLock();
        LbaRangeLease held = await rangeLock.AcquireAsync(0, 4, CancellationToken.None);
        Task<LbaRangeLease> waiting = rangeLock.AcquireAsync(2, 4, CancellationToken.None).AsTask();
        Task<LbaRangeLease> newcomer = rangeLock.AcquireAsync(5, 1, CancellationToken.None).AsTask();
        Assert.That(newcomer.IsCompleted, Is.False);

        held.Dispose();
        LbaRangeLease second = await waiting;
        Assert.That(newcomer.IsCompleted, Is.False);
        second.Dispose();
        (await newcomer).Dispose();
    }

    [Test]
    public async Task Cancelled_waiter_leaves_and_lets_the_waiters_behind_it_go()
    {
        var rangeLock = new LbaRangeLock();
        LbaRangeLease held = await rangeLock.AcquireAsync(0, 4, CancellationToken.None);
        using var abort = new CancellationTokenSource();
        Task<LbaRangeLease> cancelled = rangeLock.AcquireAsync(3, 4, abort.Token).AsTask();
        Task<LbaRangeLease> behind = rangeLock.AcquireAsync(6, 1, CancellationToken.None).AsTask();
        Assert.That(behind.IsCompleted, Is.False);

        await abort.CancelAsync();
        Assert.That(async () => await cancelled, Throws.InstanceOf<OperationCanceledException>());
        (await behind).Dispose();
        held.Dispose();
        Assert.That(rangeLock.AcquireAsync(0, 8, CancellationToken.None).AsTask().IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public void Concurrent_writers_of_one_range_run_one_at_a_time()
    {
        var rangeLock = new LbaRangeLock();
        int inside = 0;
        bool overlapped = false;
        Task[] writers = [.. Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            using LbaRangeLease lease = await rangeLock.AcquireAsync((ulong)(i % 3), 4, CancellationToken.None);
            overlapped |= Interlocked.Increment(ref inside) != 1;
            await Task.Yield();
            Interlocked.Decrement(ref inside);
        }))];
        Assert.That(Task.WaitAll(writers, TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(overlapped, Is.False);
    }
}
