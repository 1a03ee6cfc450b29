namespace StateSave.Storage.Reservations;

/// <summary>
/// Where a logical unit's persistent reservation state goes while APTPL (activate persist through power loss,
/// SPC-5 §5.14.5) is in effect. Calls are made under the reservation manager's lock, after each change.
/// </summary>
public interface IReservationStore
{
    /// <summary>The state saved last, or null when none was saved (or it was deleted).</summary>
    PersistentReservationState? Load();

    /// <summary>Replaces the saved state; durable when the call returns.</summary>
    void Save(PersistentReservationState state);

    /// <summary>Forgets any saved state (APTPL was cleared).</summary>
    void Delete();
}
