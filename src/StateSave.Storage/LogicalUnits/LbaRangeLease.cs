namespace StateSave.Storage.LogicalUnits;

/// <summary>A range of logical blocks held in an <see cref="LbaRangeLock"/>; disposing it lets the range go (again, does nothing).</summary>
internal readonly struct LbaRangeLease : IDisposable
{
    private readonly LbaRangeLock? _owner;
    private readonly long _id;

    internal LbaRangeLease(LbaRangeLock owner, long id)
    {
        _owner = owner;
        _id = id;
    }

    public void Dispose() => _owner?.Release(_id);
}
