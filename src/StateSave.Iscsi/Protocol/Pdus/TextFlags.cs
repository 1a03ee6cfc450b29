namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>Byte 1 of Text Request and Response PDUs: F and C (RFC 7143 §11.10.1, §11.10.2).</summary>
internal static class TextFlags
{
    private const byte FinalBit = 0x80;
    private const byte ContinueBit = 0x40;

    public static byte Encode(bool final, bool cont) => (byte)((final ? FinalBit : 0) | (cont ? ContinueBit : 0));

    public static void Decode(in IscsiPdu pdu, byte flags, out bool final, out bool cont)
    {
        final = (flags & FinalBit) != 0;
        cont = (flags & ContinueBit) != 0;

        // RFC 7143 §11.10.2: F and C must not both be set.
        if (final && cont)
        {
            throw PduParsing.InvalidField(pdu, "Text PDU has both the F and C bits set.");
        }
    }
}
