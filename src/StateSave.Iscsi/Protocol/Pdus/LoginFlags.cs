namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>Byte 1 of Login Request and Response PDUs: T, C, CSG and NSG (RFC 7143 §11.12.1–§11.12.3).</summary>
internal static class LoginFlags
{
    private const byte TransitBit = 0x80;
    private const byte ContinueBit = 0x40;

    public static byte Encode(bool transit, bool cont, LoginStage current, LoginStage next) =>
        (byte)((transit ? TransitBit : 0) | (cont ? ContinueBit : 0) | (((byte)current & 0x3) << 2) | (transit ? (byte)next & 0x3 : 0));

    public static void Decode(in IscsiPdu pdu, byte flags, out bool transit, out bool cont, out LoginStage current, out LoginStage next)
    {
        transit = (flags & TransitBit) != 0;
        cont = (flags & ContinueBit) != 0;
        current = (LoginStage)((flags >> 2) & 0x3);
        next = (LoginStage)(flags & 0x3);

        // RFC 7143 §11.12.2: T and C must not both be set. Stage 2 is reserved.
        if (transit && cont)
        {
            throw PduParsing.InvalidField(pdu, "Login PDU has both the T and C bits set.");
        }

        if (current == LoginStage.Reserved || current == LoginStage.FullFeaturePhase || (transit && next == LoginStage.Reserved))
        {
            throw PduParsing.InvalidField(pdu, $"Login PDU has an invalid stage: CSG {(int)current}, NSG {(int)next}.");
        }
    }
}
