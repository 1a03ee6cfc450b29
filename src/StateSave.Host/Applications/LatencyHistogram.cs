namespace StateSave.Host.Applications;

/// <summary>
/// I/O latencies in power-of-two buckets of microseconds: bucket 0 holds latencies under 2 µs, bucket n those in
/// [2^n, 2^(n+1)) µs, the last bucket everything longer. Lock-free; fixed size.
/// </summary>
public sealed class LatencyHistogram
{
    public const int BucketCount = 32;

    private readonly long[] _buckets = new long[BucketCount];

    public void Record(TimeSpan latency)
    {
        long microseconds = Math.Max(1, latency.Ticks / TimeSpan.TicksPerMicrosecond);
        int bucket = Math.Min(BucketCount - 1, 63 - (int)long.LeadingZeroCount(microseconds));
        Interlocked.Increment(ref _buckets[bucket]);
    }

    /// <summary>The counts, bucket by bucket.</summary>
    public long[] ToSnapshot()
    {
        long[] copy = new long[BucketCount];
        for (int i = 0; i < BucketCount; i++)
        {
            copy[i] = Interlocked.Read(ref _buckets[i]);
        }

        return copy;
    }

    /// <summary>The upper bound (exclusive) of <paramref name="bucket"/>.</summary>
    public static TimeSpan UpperBound(int bucket) => TimeSpan.FromMicroseconds(Math.Pow(2, bucket + 1));
}
