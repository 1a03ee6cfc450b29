namespace StateSave.StorageSystem.Drives;

/// <summary>
/// A storage device (drive) of the storage system. Drives form one redundant pool: a failed or degraded drive is a
/// fault to record and report, while the logical units the pool carries keep serving I/O.
/// </summary>
public sealed class Drive(int slot, string serialNumber, long capacityBytes)
{
    private int _state = (int)DriveState.Online;

    public int Slot { get; } = slot;

    public string SerialNumber { get; } = serialNumber;

    public long CapacityBytes { get; } = capacityBytes;

    public DriveState State => (DriveState)Volatile.Read(ref _state);

    /// <summary>Medium errors counted on the drive.</summary>
    public long MediaErrors { get; private set; }

    internal void SetState(DriveState state, long mediaErrors = 0)
    {
        Volatile.Write(ref _state, (int)state);
        MediaErrors += mediaErrors;
    }

    public override string ToString() => $"drive {Slot} ({SerialNumber})";
}
