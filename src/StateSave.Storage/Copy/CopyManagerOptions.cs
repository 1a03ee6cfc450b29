namespace StateSave.Storage.Copy;

/// <summary>The limits a copy manager reports in RECEIVE COPY OPERATING PARAMETERS (SPC-5 §6.26) and enforces.</summary>
public sealed record CopyManagerOptions
{
    /// <summary>MAXIMUM TARGET DESCRIPTOR COUNT.</summary>
    public ushort MaximumTargetDescriptorCount { get; init; } = 8;

    /// <summary>MAXIMUM SEGMENT DESCRIPTOR COUNT.</summary>
    public ushort MaximumSegmentDescriptorCount { get; init; } = 8;

    /// <summary>MAXIMUM DESCRIPTOR LIST LENGTH: target plus segment descriptor bytes.</summary>
    public uint MaximumDescriptorListLength { get; init; } = 1024;

    /// <summary>MAXIMUM SEGMENT LENGTH in bytes.</summary>
    public uint MaximumSegmentLength { get; init; } = 64 * 1024 * 1024;

    /// <summary>Bytes moved per read/write step (the copy buffer).</summary>
    public int TransferSize { get; init; } = 1024 * 1024;

    /// <summary>Finished copy operations whose status is kept per I_T nexus for RECEIVE COPY STATUS.</summary>
    public int RetainedResultsPerNexus { get; init; } = 16;
}
