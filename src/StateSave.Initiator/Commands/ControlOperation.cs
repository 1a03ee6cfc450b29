using StateSave.Initiator.Connections;
using StateSave.Iscsi.Protocol;

namespace StateSave.Initiator.Commands;

/// <summary>
/// A non-SCSI request on the session (task management, NOP-Out, Text, Logout): written by the session's writer,
/// answered through <see cref="Handle"/> by the read loop. Not on the I/O hot path, so plain objects and
/// <see cref="TaskCompletionSource{TResult}"/> are used.
/// </summary>
internal abstract class ControlOperation
{
    /// <summary>The Initiator Task Tag; FFFFFFFFh for a PDU that expects no answer.</summary>
    public uint InitiatorTaskTag { get; set; } = ReservedTag.Value;

    /// <summary>Immediate delivery (I bit): sent outside the CmdSN window, CmdSN not advanced.</summary>
    public virtual bool Immediate => true;

    /// <summary>True when a response is expected (the operation stays registered until it comes).</summary>
    public bool ExpectsResponse => InitiatorTaskTag != ReservedTag.Value;

    /// <summary>Encodes the request; <paramref name="cmdSN"/> is the CmdSN to carry.</summary>
    public abstract void Write(InitiatorConnection connection, uint cmdSN, uint expStatSN);

    /// <summary>Handles the target's answer; returns true when the operation is finished.</summary>
    public abstract bool Handle(in IscsiPdu pdu, out ControlOperation? followUp);

    /// <summary>Ends the operation without an answer (connection lost, session closed).</summary>
    public abstract void Fail(Exception error);
}
