using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Initiator.Tests.TestSupport;

/// <summary>Wraps a device server and holds READ (10) commands until the gate opens or the command is aborted (to test task management).</summary>
internal sealed class GatedDevice(IScsiDeviceServer inner) : IScsiDeviceServer
{
    private int _held;

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Held => Volatile.Read(ref _held);

    public List<string> Events { get; } = [];

    public async ValueTask<ScsiCommandResult> ExecuteAsync(IScsiCommand command)
    {
        if (command.Cdb.Span[0] == (byte)ScsiOpcode.Read10)
        {
            Interlocked.Increment(ref _held);
            await Gate.Task.WaitAsync(command.Aborted);
        }

        return await inner.ExecuteAsync(command);
    }

    public bool IsAccessible(LogicalUnitNumber lun, ITNexus nexus) => inner.IsAccessible(lun, nexus);

    public ValueTask ResetLogicalUnitAsync(LogicalUnitNumber lun, ITNexus requester)
    {
        Record("lu-reset");
        return inner.ResetLogicalUnitAsync(lun, requester);
    }

    public ValueTask ResetTargetAsync(ITNexus requester, bool cold)
    {
        Record(cold ? "cold-reset" : "warm-reset");
        return inner.ResetTargetAsync(requester, cold);
    }

    public void OnTaskSetCleared(LogicalUnitNumber lun, ITNexus requester, bool otherNexusesAffected) => inner.OnTaskSetCleared(lun, requester, otherNexusesAffected);

    public void OnNexusEstablished(ITNexus nexus) => inner.OnNexusEstablished(nexus);

    public void OnNexusLost(ITNexus nexus) => inner.OnNexusLost(nexus);

    private void Record(string e)
    {
        lock (Events)
        {
            Events.Add(e);
        }
    }
}
