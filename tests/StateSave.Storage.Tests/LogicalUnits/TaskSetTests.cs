using StateSave.Scsi;
using StateSave.Storage.LogicalUnits;

namespace StateSave.Storage.Tests.LogicalUnits;

public sealed class TaskSetTests
{
    [Test]
    public async Task Ordered_task_waits_for_earlier_tasks_and_holds_back_later_simple_ones()
    {
        var set = new TaskSet();
        IDisposable first = await set.EnterAsync(TaskAttribute.Simple, CancellationToken.None);
        Task<IDisposable> ordered = set.EnterAsync(TaskAttribute.Ordered, CancellationToken.None).AsTask();
        Task<IDisposable> later = set.EnterAsync(TaskAttribute.Simple, CancellationToken.None).AsTask();
        IDisposable headOfQueue = await set.EnterAsync(TaskAttribute.HeadOfQueue, CancellationToken.None);
        Assert.That(ordered.IsCompleted || later.IsCompleted, Is.False);

        first.Dispose();
        IDisposable orderedSlot = await ordered;
        Assert.That(later.IsCompleted, Is.False);

        orderedSlot.Dispose();
        (await later).Dispose();
        headOfQueue.Dispose();
    }

    [Test]
    public void Aborted_wait_is_cancelled_and_leaves_the_set_usable()
    {
        var set = new TaskSet();
        IDisposable first = set.EnterAsync(TaskAttribute.Simple, CancellationToken.None).AsTask().Result;
        using var abort = new CancellationTokenSource();
        Task<IDisposable> ordered = set.EnterAsync(TaskAttribute.Ordered, abort.Token).AsTask();
        abort.Cancel();
        Assert.That(async () => await ordered, Throws.InstanceOf<OperationCanceledException>());
        first.Dispose();
        Assert.That(set.EnterAsync(TaskAttribute.Simple, CancellationToken.None).AsTask().IsCompletedSuccessfully, Is.True);
    }
}
