using System.Buffers;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Scsi;

namespace StateSave.Iscsi.InBand;

/// <summary>
/// State Save Data, initiator → target, vendor-specific opcode 1Ch (specs/in-band-state-save.md §2.2): a host's
/// answer to a State Save Request, as buffer data (F=0) and a final PDU with the status (F=1, S=1).
/// <code>
/// 0 I|1Ch | 1 F (7), S (0) | 2 reserved | 3 STATUS | 4 TotalAHSLength=0 | 5-7 DataSegmentLength | 8-15 LUN
/// 16-19 Vendor Task Tag | 20-23 DataSN | 24-31 BUFFER OFFSET | 32-35 RESIDUAL COUNT | 36-47 reserved | 48- data or sense
/// </code>
/// The I bit is set: no CmdSN is consumed, and none is carried.
/// </summary>
public struct StateSaveDataPdu
{
    public const IscsiOpcode Opcode = IscsiOpcode.VendorSpecificInitiator1C;

    private const byte FinalBit = 0x80;
    private const byte StatusBit = 0x01;
    private const int DataSNOffset = 20;
    private const int BufferOffsetOffset = 24;
    private const int ResidualCountOffset = 32;

    private VendorSpecificPdu _pdu;

    public StateSaveDataPdu()
    {
        _pdu = new VendorSpecificPdu(Opcode) { Immediate = true };
    }

    private StateSaveDataPdu(VendorSpecificPdu pdu) => _pdu = pdu;

    /// <summary>F: the last PDU of the answer.</summary>
    public bool Final
    {
        readonly get => (_pdu.Flags & FinalBit) != 0;
        set => _pdu.Flags = (byte)(value ? _pdu.Flags | FinalBit : _pdu.Flags & ~FinalBit);
    }

    /// <summary>S: <see cref="Status"/> and <see cref="ResidualCount"/> are valid (only with F).</summary>
    public bool StatusPresent
    {
        readonly get => (_pdu.Flags & StatusBit) != 0;
        set => _pdu.Flags = (byte)(value ? _pdu.Flags | StatusBit : _pdu.Flags & ~StatusBit);
    }

    /// <summary>STATUS (byte 3): GOOD or CHECK CONDITION.</summary>
    public ScsiStatus Status
    {
        readonly get => (ScsiStatus)(_pdu.Byte2And3 & 0xff);
        set => _pdu.Byte2And3 = (byte)value;
    }

    public ulong Lun { readonly get => _pdu.Lun; set => _pdu.Lun = value; }

    /// <summary>The request's Vendor Task Tag, echoed.</summary>
    public uint VendorTaskTag { readonly get => _pdu.InitiatorTaskTag; set => _pdu.InitiatorTaskTag = value; }

    /// <summary>0 for the first PDU of an answer, then +1 per PDU.</summary>
    public uint DataSN { readonly get => _pdu.GetUInt32(DataSNOffset); set => _pdu.SetUInt32(DataSNOffset, value); }

    /// <summary>Where this PDU's data lies in the buffer.</summary>
    public ulong BufferOffset
    {
        readonly get => ((ulong)_pdu.GetUInt32(BufferOffsetOffset) << 32) | _pdu.GetUInt32(BufferOffsetOffset + 4);
        set
        {
            _pdu.SetUInt32(BufferOffsetOffset, (uint)(value >> 32));
            _pdu.SetUInt32(BufferOffsetOffset + 4, (uint)value);
        }
    }

    /// <summary>ALLOCATION LENGTH minus the bytes sent (with S).</summary>
    public uint ResidualCount { readonly get => _pdu.GetUInt32(ResidualCountOffset); set => _pdu.SetUInt32(ResidualCountOffset, value); }

    /// <summary>Buffer bytes, or with CHECK CONDITION the sense (2-byte SenseLength, then sense data).</summary>
    public ReadOnlySequence<byte> DataSegment { readonly get => _pdu.DataSegment; set => _pdu.DataSegment = value; }

    public readonly VendorSpecificPdu ToVendorSpecificPdu() => _pdu;

    /// <summary>
    /// Reads a State Save Data PDU; false with the reason when it is malformed: another opcode, the I bit clear, an
    /// AHS, S without F, reserved bits in byte 1 or byte 2, or CHECK CONDITION/GOOD status mixed with F=0.
    /// </summary>
    public static bool TryParse(in VendorSpecificPdu pdu, out StateSaveDataPdu data, out string? error)
    {
        data = new StateSaveDataPdu(pdu);
        error = pdu.Opcode != Opcode ? $"opcode 0x{(byte)pdu.Opcode:x2} is not State Save Data"
            : !pdu.Immediate ? "the I bit is clear"
            : pdu.AdditionalHeaderSegmentsLength != 0 ? "State Save Data has no AHS"
            : (pdu.Flags & ~(FinalBit | StatusBit)) != 0 || (pdu.Byte2And3 & 0xff00) != 0 ? "reserved bits are set"
            : (pdu.Flags & StatusBit) != 0 && (pdu.Flags & FinalBit) == 0 ? "S is set without F"
            : (pdu.Flags & StatusBit) == 0 && (pdu.Byte2And3 & 0xff) != 0 ? "a status without S"
            : null;
        return error is null;
    }
}
