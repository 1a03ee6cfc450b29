namespace StateSave.Storage.Copy;

/// <summary>COPY MANAGER STATUS values (SPC-5 §6.24, RECEIVE COPY STATUS (LID1)).</summary>
internal enum CopyStatus : byte
{
    InProgress = 0x00,
    Completed = 0x01,
    CompletedWithErrors = 0x02,
}

/// <summary>One EXTENDED COPY as RECEIVE COPY STATUS reports it; updated while the copy runs.</summary>
internal sealed class CopyOperation(byte listIdentifier)
{
    private long _bytes;
    private int _segments;
    private int _status;

    public byte ListIdentifier { get; } = listIdentifier;

    public CopyStatus Status => (CopyStatus)Volatile.Read(ref _status);

    public long BytesTransferred => Interlocked.Read(ref _bytes);

    public int SegmentsProcessed => Volatile.Read(ref _segments);

    public void AddBytes(long count) => Interlocked.Add(ref _bytes, count);

    public void SegmentCompleted() => Interlocked.Increment(ref _segments);

    public void Finish(CopyStatus status) => Volatile.Write(ref _status, (int)status);
}
