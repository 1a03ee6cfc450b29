using StateSave.Scsi;

namespace StateSave.Target.Tasks;

/// <summary>
/// One generation of a pooled <see cref="TargetTask"/>, taken by task management or session teardown: aborting or
/// waiting through it never touches a later command that reuses the object.
/// </summary>
internal readonly record struct TaskSnapshot(TargetTask Task, int Generation, LogicalUnitNumber Lun, uint InitiatorTaskTag)
{
    public void Abort() => Task.Abort(Generation);

    public Task WhenEnded() => Task.WhenEnded(Generation);
}
