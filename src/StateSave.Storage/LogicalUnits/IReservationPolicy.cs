using StateSave.Scsi.Server;

namespace StateSave.Storage.LogicalUnits;

/// <summary>
/// The reservation check a logical unit runs before each command (SPC-5 §5.13 and the "commands allowed in
/// the presence of various reservations" table). The reservations component plugs in here.
/// </summary>
public interface IReservationPolicy
{
    /// <summary>True when the command with <paramref name="cdb"/> from <paramref name="nexus"/> is to end with RESERVATION CONFLICT.</summary>
    bool IsConflict(ITNexus nexus, ReadOnlySpan<byte> cdb);
}

/// <summary>No reservations: nothing ever conflicts.</summary>
public sealed class NoReservationPolicy : IReservationPolicy
{
    public static NoReservationPolicy Instance { get; } = new();

    public bool IsConflict(ITNexus nexus, ReadOnlySpan<byte> cdb) => false;
}
