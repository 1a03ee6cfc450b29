namespace StateSave.TargetServer.Configuration;

/// <summary>Where a logical unit keeps its blocks.</summary>
public enum BackingStoreKind
{
    /// <summary>In memory, allocated as blocks are written; lost when the server stops.</summary>
    Memory,

    /// <summary>A sparse file, created (or reused) at the configured path and size.</summary>
    SparseFile,
}
