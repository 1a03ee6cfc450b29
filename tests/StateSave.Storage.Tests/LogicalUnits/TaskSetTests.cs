using StateSave.Scsi;
using StateSave.Storage.LogicalUnits;

namespace StateSave.Storage.Tests.LogicalUnits;

public sealed class TaskSetTests
{
    [Test]
    public async Task Ordered_task_waits_for_earlier_tasks_and_holds_back_later_simple_ones()
    {
        var set = new TaskSet();
        TaskSetSlot first = await set.EnterAsync(TaskAttribute.Simple, CancellationToken.None);
        Task<TaskSetSlot> ordered = set.EnterAsync(TaskAttribute.Ordered, CancellationToken.None).AsTask();
        Task<TaskSetSlot> later = set.EnterAsync(TaskAttribute.Simple, CancellationToken.None).AsTask();
        TaskSetSlot headOfQueue = await set.EnterAsync(TaskAttribute.HeadOfQueue, CancellationToken.None);
        Assert.That(ordered.IsCompleted || later.IsCompleted, Is.False);

        first.Dispose();
        TaskSetSlot orderedSlot = await ordered;
        Assert.That(later.IsCompleted, Is.False);

        orderedSlot.Dispose();
        (await later).Dispose();
        headOfQueue.Dispose();
    }

    [Test]
    public void Aborted_wait_is_cancelled_and_leaves_the_set_usable()
    {
        var set = new TaskSet();
        TaskSetSlot first = set.EnterAsync(TaskAttribute.Simple, CancellationToken.None).AsTask().Result;
        using var abort = new CancellationTokenSource();
        Task<TaskSetSlot> ordered = set.EnterAsync(TaskAttribute.Ordered, abort.Token).AsTask();
        abort.Cancel();
        Assert.That(async () => await ordered, Throws.InstanceOf<OperationCanceledException>());
        first.Dispose();
        Assert.That(set.EnterAsync(TaskAttribute.Simple, CancellationToken.None).AsTask().IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task Simple_tasks_behind_an_ordered_task_start_together_and_a_later_ordered_one_waits_for_them()
    {
        var set = new TaskSet();
        TaskSetSlot ordered = await set.EnterAsync(TaskAttribute.Ordered, CancellationToken.None);
        Task<TaskSetSlot> simple1 = set.EnterAsync(TaskAttribute.Simple, CancellationToken.None).AsTask();
        Task<TaskSetSlot> simple2 = set.EnterAsync(TaskAttribute.Simple, CancellationToken.None).AsTask();
        Task<TaskSetSlot> ordered2 = set.EnterAsync(TaskAttribute.Ordered, CancellationToken.None).AsTask();
        Task<TaskSetSlot> simple3 = set.EnterAsync(TaskAttribute.Simple, CancellationToken.None).AsTask();
        Assert.That(simple1.IsCompleted || simple2.IsCompleted || ordered2.IsCompleted || simple3.IsCompleted, Is.False);

        ordered.Dispose();
        TaskSetSlot first = await simple1;
        TaskSetSlot second = await simple2;
        Assert.That(ordered2.IsCompleted || simple3.IsCompleted, Is.False);

        first.Dispose();
        Assert.That(ordered2.IsCompleted, Is.False);
        second.Dispose();
        TaskSetSlot secondOrdered = await ordered2;
        Assert.That(simple3.IsCompleted, Is.False);

        secondOrdered.Dispose();
        (await simple3).Dispose();
        (await set.EnterAsync(TaskAttribute.Ordered, CancellationToken.None)).Dispose();
    }

    [Test]
    public async Task Cancelled_ordered_task_lets_the_simple_tasks_behind_it_start()
    {
        var set = new TaskSet();
        TaskSetSlot running = await set.EnterAsync(TaskAttribute.Simple, CancellationToken.None);
        using var abort = new CancellationTokenSource();
        Task<TaskSetSlot> ordered = set.EnterAsync(TaskAttribute.Ordered, abort.Token).AsTask();
        Task<TaskSetSlot> simple = set.EnterAsync(TaskAttribute.Simple, CancellationToken.None).AsTask();
        Assert.That(simple.IsCompleted, Is.False);

        await abort.CancelAsync();
        Assert.That(async () => await ordered, Throws.InstanceOf<OperationCanceledException>());
        (await simple).Dispose();
        running.Dispose();
        (await set.EnterAsync(TaskAttribute.Ordered, CancellationToken.None)).Dispose();
    }

    [Test]
    public async Task Aca_task_runs_at_once_and_holds_back_only_ordered_tasks_that_arrive_after_it()
    {
        var set = new TaskSet();
        TaskSetSlot simple = await set.EnterAsync(TaskAttribute.Simple, CancellationToken.None);
        Task<TaskSetSlot> earlierOrdered = set.EnterAsync(TaskAttribute.Ordered, CancellationToken.None).AsTask();
        TaskSetSlot aca = await set.EnterAsync(TaskAttribute.Aca, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Task<TaskSetSlot> laterOrdered = set.EnterAsync(TaskAttribute.Ordered, CancellationToken.None).AsTask();

        // The ORDERED task queued before the ACA task does not wait for it.
        simple.Dispose();
        TaskSetSlot first = await earlierOrdered;
        first.Dispose();
        await Task.Delay(50);
        Assert.That(laterOrdered.IsCompleted, Is.False);

        aca.Dispose();
        (await laterOrdered).Dispose();
    }

    [Test]
    public async Task Aca_task_that_ends_before_the_tasks_ahead_of_it_start_is_not_waited_for()
    {
        var set = new TaskSet();
        TaskSetSlot simple = await set.EnterAsync(TaskAttribute.Simple, CancellationToken.None);
        Task<TaskSetSlot> ordered = set.EnterAsync(TaskAttribute.Ordered, CancellationToken.None).AsTask();
        (await set.EnterAsync(TaskAttribute.Aca, CancellationToken.None)).Dispose();
        simple.Dispose();
        (await ordered).Dispose();
        (await set.EnterAsync(TaskAttribute.Ordered, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Test]
    public async Task Head_of_queue_task_is_not_waited_for_by_an_ordered_task()
    {
        var set = new TaskSet();
        TaskSetSlot headOfQueue = await set.EnterAsync(TaskAttribute.HeadOfQueue, CancellationToken.None);
        Task<TaskSetSlot> ordered = set.EnterAsync(TaskAttribute.Ordered, CancellationToken.None).AsTask();
        Assert.That(ordered.IsCompletedSuccessfully, Is.True);
        (await ordered).Dispose();
        headOfQueue.Dispose();
    }

    [Test]
    public void Many_tasks_of_mixed_attributes_all_run_with_ordered_tasks_alone()
    {
        var set = new TaskSet();
        int running = 0;
        int orderedRunning = 0;
        bool violated = false;
        TaskAttribute[] attributes = [TaskAttribute.Simple, TaskAttribute.Simple, TaskAttribute.Ordered, TaskAttribute.Simple, TaskAttribute.HeadOfQueue];
        Task[] tasks = [.. Enumerable.Range(0, 400).Select(i => Task.Run(async () =>
        {
            TaskAttribute attribute = attributes[i % attributes.Length];
            using TaskSetSlot slot = await set.EnterAsync(attribute, CancellationToken.None);
            if (attribute == TaskAttribute.HeadOfQueue)
            {
                return;
            }

            int now = Interlocked.Increment(ref running);
            if (attribute == TaskAttribute.Ordered)
            {
                violated |= now != 1 || Interlocked.Increment(ref orderedRunning) != 1;
                await Task.Yield();
                Interlocked.Decrement(ref orderedRunning);
            }
            else
            {
                violated |= Volatile.Read(ref orderedRunning) != 0;
                await Task.Yield();
            }

            Interlocked.Decrement(ref running);
        }))];
        Assert.That(Task.WaitAll(tasks, TimeSpan.FromSeconds(30)), Is.True);
        Assert.That(violated, Is.False);
    }
}
