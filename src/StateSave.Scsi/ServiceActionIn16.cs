namespace StateSave.Scsi;

/// <summary>
/// SERVICE ACTION field (byte 1, bits 4-0) of SERVICE ACTION IN(16), operation code 9Eh
/// (SBC-4 READ CAPACITY(16) and GET LBA STATUS(16) commands; SPC-5 service action code assignments).
/// </summary>
public enum ServiceActionIn16 : byte
{
    ReadCapacity16 = 0x10,
    ReadLong16 = 0x11,
    GetLbaStatus16 = 0x12,
    ReportReferrals = 0x13,
    StreamControl = 0x14,
    BackgroundControl = 0x15,
    GetStreamStatus = 0x16,
    GetPhysicalElementStatus = 0x17,
    RemoveElementAndTruncate = 0x18,
}
