using StateSave.Iscsi.Protocol;

namespace StateSave.Iscsi.Negotiation;

/// <summary>Builds the typed protocol errors raised by the negotiation code.</summary>
internal static class TextErrors
{
    /// <summary>Malformed text is answered with a Reject PDU, reason Protocol Error.</summary>
    public static IscsiProtocolException Text(ProtocolErrorCode error, string message) =>
        new(error, ProtocolErrorAction.Reject, message, RejectReason.ProtocolError);

    /// <summary>A broken negotiation rule fails the login (RFC 7143 §6.2: the negotiation is terminated).</summary>
    public static IscsiProtocolException Negotiation(string message) =>
        new(ProtocolErrorCode.NegotiationFailure, ProtocolErrorAction.FailLogin, message);
}
