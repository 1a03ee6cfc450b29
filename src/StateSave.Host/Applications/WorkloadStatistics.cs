namespace StateSave.Host.Applications;

/// <summary>
/// A verifying workload's counters at one instant. <c>Errors</c>: I/Os that ended in an error the application saw;
/// <c>VerificationFailures</c>: blocks read back whose content was not what the workload last wrote there;
/// <c>LatencyBuckets</c>: see <see cref="LatencyHistogram"/>.
/// </summary>
public sealed record WorkloadStatistics(long Operations, long Reads, long Writes, long BytesRead, long BytesWritten, long BlocksVerified, long Errors,
    long VerificationFailures, IReadOnlyList<long> LatencyBuckets);
