namespace StateSave.Storage.Copy;

/// <summary>Finds the logical unit a target descriptor names (the storage system knows its logical units and their designators).</summary>
public interface ICopyTargetResolver
{
    /// <summary>The block device with that designator, or null when none is reachable (COPY TARGET DEVICE NOT REACHABLE).</summary>
    ICopyBlockDevice? Resolve(CopyTargetDesignator designator);
}
