using StateSave.Iscsi.Protocol;

namespace StateSave.Initiator.Connections;

/// <summary>What a connection reports to its session: each PDU (while its buffer is valid) and its end.</summary>
internal interface IConnectionOwner
{
    /// <summary>Handles one PDU from the target; throws <see cref="IscsiProtocolException"/> on a protocol violation.</summary>
    void OnPdu(InitiatorConnection connection, in IscsiPdu pdu);

    /// <summary>The connection ended (transport closed, protocol error, timeout, or closed on purpose).</summary>
    void OnConnectionLost(InitiatorConnection connection, string reason);
}
