namespace StateSave.Iscsi.InBand;

/// <summary>
/// The login key that enables in-band state save on a session (specs/in-band-state-save.md §1): a private extension
/// key (RFC 7143 §13.5.4), Boolean with the AND result function, Leading Only, LoginOperational. Vendor-specific PDUs
/// of the protocol are sent only on sessions where both sides said <c>Yes</c>.
/// </summary>
public static class InBandStateSaveKey
{
    public const string Name = "X-io.statesave.InBandStateSave";
}
