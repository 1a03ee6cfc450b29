namespace StateSave.StorageSystem.Drives;

/// <summary>A drive's condition.</summary>
public enum DriveState
{
    Online,

    /// <summary>Working with errors (a predictive failure): the pool keeps using it.</summary>
    Degraded,

    /// <summary>Out of service: the pool serves its logical units from the redundancy of the others.</summary>
    Failed,
}
