using System.Collections.Concurrent;
using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.LogicalUnits;

/// <summary>
/// Unit attention conditions of one logical unit, queued per I_T nexus (SAM-5 §5.14). A nexus seen for
/// the first time starts with POWER ON, RESET, OR BUS DEVICE RESET OCCURRED; a lost nexus keeps I_T NEXUS
/// LOSS OCCURRED for when it returns. Reusable by any <see cref="ILogicalUnit"/>. Thread-safe.
/// </summary>
public sealed class UnitAttentionQueue : IUnitAttentionSink
{
    /// <summary>At most this many conditions are kept per nexus; older ones are dropped (SAM-5 allows reporting only the latest).</summary>
    private const int MaximumPerNexus = 16;

    private readonly ConcurrentDictionary<ITNexus, Queue<AdditionalSenseCode>> _queues = new();

    /// <summary>Makes <paramref name="nexus"/> known (with the power-on condition) if it was not.</summary>
    public void Register(ITNexus nexus) => GetQueue(nexus);

    public void Establish(ITNexus nexus, AdditionalSenseCode additionalSenseCode)
    {
        ArgumentNullException.ThrowIfNull(nexus);
        Queue<AdditionalSenseCode> queue = GetQueue(nexus);
        lock (queue)
        {
            Add(queue, additionalSenseCode);
        }
    }

    public void EstablishForOthers(ITNexus? except, AdditionalSenseCode additionalSenseCode)
    {
        foreach ((ITNexus nexus, Queue<AdditionalSenseCode> queue) in _queues)
        {
            if (nexus.Equals(except))
            {
                continue;
            }

            lock (queue)
            {
                Add(queue, additionalSenseCode);
            }
        }
    }

    /// <summary>Replaces every queued condition of every nexus (except <paramref name="except"/>) by <paramref name="additionalSenseCode"/>: a reset supersedes what came before.</summary>
    public void ResetAll(ITNexus? except, AdditionalSenseCode additionalSenseCode)
    {
        foreach ((ITNexus nexus, Queue<AdditionalSenseCode> queue) in _queues)
        {
            lock (queue)
            {
                queue.Clear();
                if (!nexus.Equals(except))
                {
                    queue.Enqueue(additionalSenseCode);
                }
            }
        }
    }

    /// <summary>The nexus ended: only I_T NEXUS LOSS OCCURRED remains for when it comes back.</summary>
    public void OnNexusLost(ITNexus nexus)
    {
        Queue<AdditionalSenseCode> queue = GetQueue(nexus);
        lock (queue)
        {
            queue.Clear();
            queue.Enqueue(AdditionalSenseCode.ITNexusLossOccurred);
        }
    }

    /// <summary>Clears one pending condition of <paramref name="nexus"/> (e.g. REPORT LUNS clears REPORTED LUNS DATA HAS CHANGED).</summary>
    public void Clear(ITNexus nexus, AdditionalSenseCode additionalSenseCode)
    {
        if (!_queues.TryGetValue(nexus, out Queue<AdditionalSenseCode>? queue))
        {
            return;
        }

        lock (queue)
        {
            if (queue.Contains(additionalSenseCode))
            {
                AdditionalSenseCode[] rest = [.. queue.Where(code => code != additionalSenseCode)];
                queue.Clear();
                foreach (AdditionalSenseCode code in rest)
                {
                    queue.Enqueue(code);
                }
            }
        }
    }

    /// <summary>Takes the oldest pending condition of <paramref name="nexus"/> (registering a new nexus first).</summary>
    public bool TryTake(ITNexus nexus, out AdditionalSenseCode additionalSenseCode)
    {
        Queue<AdditionalSenseCode> queue = GetQueue(nexus);
        lock (queue)
        {
            return queue.TryDequeue(out additionalSenseCode);
        }
    }

    /// <summary>True when <paramref name="nexus"/> has a pending condition.</summary>
    public bool HasPending(ITNexus nexus)
    {
        Queue<AdditionalSenseCode> queue = GetQueue(nexus);
        lock (queue)
        {
            return queue.Count > 0;
        }
    }

    private Queue<AdditionalSenseCode> GetQueue(ITNexus nexus) =>
        _queues.GetOrAdd(nexus, static _ => new Queue<AdditionalSenseCode>([AdditionalSenseCode.PowerOnResetOrBusDeviceResetOccurred]));

    private static void Add(Queue<AdditionalSenseCode> queue, AdditionalSenseCode code)
    {
        if (queue.Contains(code))
        {
            return;
        }

        if (queue.Count >= MaximumPerNexus)
        {
            queue.Dequeue();
        }

        queue.Enqueue(code);
    }
}
