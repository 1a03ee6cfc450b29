namespace StateSave.Iscsi.Protocol;

/// <summary>Checks shared by the typed PDU decoders.</summary>
internal static class PduParsing
{
    /// <summary>Throws unless <paramref name="pdu"/> carries <paramref name="expected"/>.</summary>
    public static void ExpectOpcode(in IscsiPdu pdu, IscsiOpcode expected)
    {
        if (pdu.Opcode != expected)
        {
            throw new ArgumentException($"Expected a {expected} PDU, got opcode 0x{(byte)pdu.Opcode:x2}.", nameof(pdu));
        }
    }

    /// <summary>
    /// RFC 7143 §11.2.1.5: only SCSI Command PDUs (and vendor PDUs) define AHS; others carrying AHS are answered
    /// with a Reject (protocol error).
    /// </summary>
    public static void ExpectNoAhs(in IscsiPdu pdu)
    {
        if (!pdu.AdditionalHeaderSegments.IsEmpty)
        {
            throw InvalidField(pdu, $"{pdu.Opcode} PDUs carry no AHS, but TotalAHSLength is {pdu.Header.TotalAhsLength}.");
        }
    }

    /// <summary>RFC 7143 §11.2.1.2: "F" must be 1 on PDUs that are always final.</summary>
    public static void ExpectFinal(in IscsiPdu pdu)
    {
        if (!pdu.Header.Final)
        {
            throw InvalidField(pdu, $"{pdu.Opcode} PDUs must have the F bit set.");
        }
    }

    /// <summary>Throws when <paramref name="pdu"/> has a data segment but its type allows none.</summary>
    public static void ExpectNoData(in IscsiPdu pdu)
    {
        if (!pdu.DataSegment.IsEmpty)
        {
            throw InvalidField(pdu, $"{pdu.Opcode} PDUs carry no data segment, but DataSegmentLength is {pdu.DataSegment.Length}.");
        }
    }

    /// <summary>A field value the RFC does not allow: answered with Reject (Invalid PDU field, RFC 7143 §11.17.1).</summary>
    public static IscsiProtocolException InvalidField(in IscsiPdu pdu, string message)
    {
        Span<byte> bhs = stackalloc byte[BasicHeaderSegment.Length];
        pdu.Header.CopyTo(bhs);
        return new IscsiProtocolException(ProtocolErrorCode.InvalidField, ProtocolErrorAction.Reject, message,
            RejectReason.InvalidPduField, bhs, 0);
    }
}
