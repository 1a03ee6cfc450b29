namespace StateSave.Target.InBand;

/// <summary>
/// One State Save Request to send to a host (specs/in-band-state-save.md §2.1): the CDB (STATE SAVE or READ BUFFER (16)
/// mode 1Ch) and its parameter list. For a READ BUFFER, <see cref="BufferOffset"/> and <see cref="AllocationLength"/>
/// repeat the CDB's fields so the answer can be checked (offsets consecutive from BufferOffset, at most AllocationLength).
/// </summary>
public sealed record StateSaveRequest(ulong Lun, ulong FailureId, ReadOnlyMemory<byte> Cdb)
{
    public ReadOnlyMemory<byte> ParameterList { get; init; }

    public ulong BufferOffset { get; init; }

    /// <summary>The most data bytes the answer may carry (0 for STATE SAVE).</summary>
    public uint AllocationLength { get; init; }
}
