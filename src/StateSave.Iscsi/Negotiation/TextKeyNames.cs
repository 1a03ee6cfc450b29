namespace StateSave.Iscsi.Negotiation;

/// <summary>Key names and reserved answer values of RFC 7143 §12–13 and RFC 7144.</summary>
public static class TextKeyNames
{
    public const string HeaderDigest = "HeaderDigest";
    public const string DataDigest = "DataDigest";
    public const string MaxConnections = "MaxConnections";
    public const string SendTargets = "SendTargets";
    public const string TargetName = "TargetName";
    public const string InitiatorName = "InitiatorName";
    public const string TargetAlias = "TargetAlias";
    public const string InitiatorAlias = "InitiatorAlias";
    public const string TargetAddress = "TargetAddress";
    public const string TargetPortalGroupTag = "TargetPortalGroupTag";
    public const string InitialR2T = "InitialR2T";
    public const string ImmediateData = "ImmediateData";
    public const string MaxRecvDataSegmentLength = "MaxRecvDataSegmentLength";
    public const string MaxBurstLength = "MaxBurstLength";
    public const string FirstBurstLength = "FirstBurstLength";
    public const string DefaultTime2Wait = "DefaultTime2Wait";
    public const string DefaultTime2Retain = "DefaultTime2Retain";
    public const string MaxOutstandingR2T = "MaxOutstandingR2T";
    public const string DataPDUInOrder = "DataPDUInOrder";
    public const string DataSequenceInOrder = "DataSequenceInOrder";
    public const string ErrorRecoveryLevel = "ErrorRecoveryLevel";
    public const string SessionType = "SessionType";
    public const string AuthMethod = "AuthMethod";
    public const string ChapA = "CHAP_A";
    public const string ChapI = "CHAP_I";
    public const string ChapC = "CHAP_C";
    public const string ChapN = "CHAP_N";
    public const string ChapR = "CHAP_R";
    public const string TaskReporter = "TaskReporter";
    public const string IscsiProtocolLevel = "iSCSIProtocolLevel";
    public const string IFMarker = "IFMarker";
    public const string OFMarker = "OFMarker";
    public const string IFMarkInt = "IFMarkInt";
    public const string OFMarkInt = "OFMarkInt";

    /// <summary>Prefix of vendor-private keys (RFC 7143 §6.1).</summary>
    public const string PrivatePrefix = "X-";
    /// <summary>Prefix of IANA-registered public extension keys (RFC 7143 §6.1).</summary>
    public const string PublicExtensionPrefix = "X#";

    // Answers (RFC 7143 §6.2).
    public const string Reject = "Reject";
    public const string Irrelevant = "Irrelevant";
    public const string NotUnderstood = "NotUnderstood";
    public const string None = "None";
    public const string Yes = "Yes";
    public const string No = "No";
}
