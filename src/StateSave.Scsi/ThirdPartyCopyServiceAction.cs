namespace StateSave.Scsi;

/// <summary>
/// SERVICE ACTION field of THIRD-PARTY COPY OUT, operation code 83h (SPC-5 EXTENDED COPY; SBC-4 POPULATE TOKEN, WRITE USING TOKEN).
/// </summary>
public enum ThirdPartyCopyOutServiceAction : byte
{
    ExtendedCopyLid1 = 0x00,
    ExtendedCopyLid4 = 0x01,
    PopulateToken = 0x10,
    WriteUsingToken = 0x11,
    CopyOperationAbort = 0x1c,
}

/// <summary>
/// SERVICE ACTION field of THIRD-PARTY COPY IN, operation code 84h (SPC-5 RECEIVE COPY ... commands).
/// </summary>
public enum ThirdPartyCopyInServiceAction : byte
{
    ReceiveCopyStatusLid1 = 0x00,
    ReceiveCopyDataLid1 = 0x01,
    ReceiveCopyOperatingParameters = 0x03,
    ReceiveCopyFailureDetailsLid1 = 0x04,
    ReceiveCopyStatusLid4 = 0x05,
    ReceiveCopyDataLid4 = 0x06,
    ReceiveRodTokenInformation = 0x07,
    ReportAllRodTokens = 0x08,
}
