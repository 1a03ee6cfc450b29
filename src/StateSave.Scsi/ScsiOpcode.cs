namespace StateSave.Scsi;

/// <summary>
/// SCSI operation codes from SPC-5 (Annex "Numeric order codes", operation codes) and SBC-4 (clause 5, commands for direct access block devices).
/// Byte 0 of every CDB (SPC-5 §4.2.5.1): bits 7-5 are the GROUP CODE, bits 4-0 the COMMAND CODE.
/// Commands shared by one operation code and told apart by a SERVICE ACTION field are listed once
/// under the operation code (see <see cref="ServiceActionIn16"/>, <see cref="MaintenanceInServiceAction"/>, ...).
/// </summary>
public enum ScsiOpcode : byte
{
    // Group 0: six-byte CDBs (00h-1Fh).
    TestUnitReady = 0x00,
    RequestSense = 0x03,
    FormatUnit = 0x04,
    Read6 = 0x08,
    Write6 = 0x0a,
    Inquiry = 0x12,
    ModeSelect6 = 0x15,
    Reserve6 = 0x16,
    Release6 = 0x17,
    ModeSense6 = 0x1a,
    StartStopUnit = 0x1b,
    ReceiveDiagnosticResults = 0x1c,
    SendDiagnostic = 0x1d,
    PreventAllowMediumRemoval = 0x1e,

    // Group 1: ten-byte CDBs (20h-3Fh).
    ReadCapacity10 = 0x25,
    Read10 = 0x28,
    Write10 = 0x2a,
    WriteAndVerify10 = 0x2e,
    Verify10 = 0x2f,
    PreFetch10 = 0x34,
    SynchronizeCache10 = 0x35,
    ReadDefectData10 = 0x37,
    WriteBuffer = 0x3b,
    ReadBuffer10 = 0x3c,
    ReadLong10 = 0x3e,
    WriteLong10 = 0x3f,

    // Group 2: ten-byte CDBs (40h-5Fh).
    WriteSame10 = 0x41,
    Unmap = 0x42,
    Sanitize = 0x48,
    LogSelect = 0x4c,
    LogSense = 0x4d,
    ModeSelect10 = 0x55,
    Reserve10 = 0x56,
    Release10 = 0x57,
    ModeSense10 = 0x5a,
    PersistentReserveIn = 0x5e,
    PersistentReserveOut = 0x5f,

    // Group 3: reserved, except the extended (7Eh) and variable-length (7Fh) CDBs (SPC-5 §4.2, CDB formats).
    ExtendedCdb = 0x7e,
    VariableLengthCdb = 0x7f,

    // Group 4: sixteen-byte CDBs (80h-9Fh).
    /// <summary>EXTENDED COPY (THIRD-PARTY COPY OUT, SPC-5): see <see cref="ThirdPartyCopyOutServiceAction"/>.</summary>
    ExtendedCopy = 0x83,
    /// <summary>RECEIVE COPY RESULTS (THIRD-PARTY COPY IN, SPC-5): see <see cref="ThirdPartyCopyInServiceAction"/>.</summary>
    ReceiveCopyResults = 0x84,
    AtaPassThrough16 = 0x85,
    AccessControlIn = 0x86,
    AccessControlOut = 0x87,
    Read16 = 0x88,
    CompareAndWrite = 0x89,
    Write16 = 0x8a,
    /// <summary>ORWRITE(16) (SBC-4).</summary>
    OrWrite16 = 0x8b,
    ReadAttribute = 0x8c,
    WriteAttribute = 0x8d,
    WriteAndVerify16 = 0x8e,
    Verify16 = 0x8f,
    PreFetch16 = 0x90,
    SynchronizeCache16 = 0x91,
    WriteSame16 = 0x93,
    ReadBuffer16 = 0x9b,
    WriteAtomic16 = 0x9c,
    ServiceActionBidirectional = 0x9d,
    /// <summary>SERVICE ACTION IN(16): READ CAPACITY(16), GET LBA STATUS, ... (see <see cref="ServiceActionIn16"/>).</summary>
    ServiceActionIn16 = 0x9e,
    ServiceActionOut16 = 0x9f,

    // Group 5: twelve-byte CDBs (A0h-BFh).
    ReportLuns = 0xa0,
    AtaPassThrough12 = 0xa1,
    SecurityProtocolIn = 0xa2,
    /// <summary>MAINTENANCE IN: REPORT TARGET PORT GROUPS, REPORT SUPPORTED OPERATION CODES, ... (see <see cref="MaintenanceInServiceAction"/>).</summary>
    MaintenanceIn = 0xa3,
    MaintenanceOut = 0xa4,
    Read12 = 0xa8,
    ServiceActionOut12 = 0xa9,
    Write12 = 0xaa,
    ServiceActionIn12 = 0xab,
    WriteAndVerify12 = 0xae,
    Verify12 = 0xaf,
    SecurityProtocolOut = 0xb5,
    ReadDefectData12 = 0xb7,
}
