namespace StateSave.Storage.Reservations;

/// <summary>An <see cref="IReservationStore"/> that lives as long as the process: "power loss" is a new manager on the same store.</summary>
public sealed class InMemoryReservationStore : IReservationStore
{
    private PersistentReservationState? _state;

    public PersistentReservationState? Load() => Volatile.Read(ref _state);

    public void Save(PersistentReservationState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Volatile.Write(ref _state, state);
    }

    public void Delete() => Volatile.Write(ref _state, null);
}
