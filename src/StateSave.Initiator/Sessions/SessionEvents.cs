using StateSave.Iscsi.Protocol;
using StateSave.Scsi;

namespace StateSave.Initiator.Sessions;

/// <summary>A session changed state (for the host layer: path state, failover).</summary>
public sealed class SessionStateChangedEventArgs(SessionState oldState, SessionState newState, string reason) : EventArgs
{
    public SessionState OldState { get; } = oldState;

    public SessionState NewState { get; } = newState;

    public string Reason { get; } = reason;
}

/// <summary>
/// An Asynchronous Message from the target (RFC 7143 §11.9). For <see cref="AsyncEvent.ScsiAsyncEvent"/>
/// <see cref="Sense"/> holds the decoded sense data; for <see cref="AsyncEvent.VendorSpecific"/>
/// <see cref="VendorCode"/> and <see cref="Data"/> carry the vendor's payload.
/// </summary>
public sealed class AsyncMessageEventArgs : EventArgs
{
    public required AsyncEvent AsyncEvent { get; init; }

    public LogicalUnitNumber Lun { get; init; }

    public SenseData? Sense { get; init; }

    public byte VendorCode { get; init; }

    public ushort Parameter1 { get; init; }

    public ushort Parameter2 { get; init; }

    public ushort Parameter3 { get; init; }

    /// <summary>The data segment, copied.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }
}
