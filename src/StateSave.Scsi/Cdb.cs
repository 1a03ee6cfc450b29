using System.Buffers.Binary;

namespace StateSave.Scsi;

/// <summary>
/// A read-only view over a command descriptor block (SPC-5 §4.2). Byte 0 is the OPERATION CODE; the last
/// byte of a fixed-length CDB is CONTROL (SAM-5 "CONTROL byte"). The view does not copy: it lives as
/// long as the span it was made from (e.g. the 16-byte CDB field of an iSCSI SCSI Command PDU, whose unused
/// trailing bytes are zero).
/// </summary>
public readonly ref struct Cdb
{
    private const byte NacaBit = 0x04;
    private const byte FuaBit = 0x08;
    private const byte DpoBit = 0x10;
    private const int VariableLengthHeader = 8;
    private const int AdditionalCdbLengthOffset = 7;

    private readonly ReadOnlySpan<byte> _bytes;

    /// <summary>Wraps <paramref name="bytes"/>, which must hold at least the operation code.</summary>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is empty.</exception>
    public Cdb(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            throw new ArgumentException("A CDB holds at least the operation code.", nameof(bytes));
        }

        _bytes = bytes;
    }

    /// <summary>The bytes this view was made from (may be longer than the CDB itself).</summary>
    public ReadOnlySpan<byte> Span => _bytes;

    public ScsiOpcode OperationCode => (ScsiOpcode)_bytes[0];

    /// <summary>GROUP CODE, bits 7-5 of the operation code (SPC-5 §4.2.5.1).</summary>
    public int GroupCode => _bytes[0] >> 5;

    /// <summary>
    /// The CDB length: from the group code (SPC-5 §4.2.5.1), or 8 + ADDITIONAL CDB LENGTH for the
    /// variable-length CDB 7Fh (SPC-5 §4.2, "variable length CDB formats"). False for the reserved group 3 (other than 7Fh) and the
    /// vendor-specific groups 6 and 7, and when byte 7 of a 7Fh CDB is missing.
    /// </summary>
    public static bool TryGetLength(ReadOnlySpan<byte> cdb, out int length)
    {
        length = 0;
        if (cdb.IsEmpty)
        {
            return false;
        }

        if (cdb[0] == (byte)ScsiOpcode.VariableLengthCdb)
        {
            if (cdb.Length <= AdditionalCdbLengthOffset)
            {
                return false;
            }

            length = VariableLengthHeader + cdb[AdditionalCdbLengthOffset];
            return true;
        }

        length = ((ScsiOpcode)cdb[0]).GetCdbLength();
        return length != 0;
    }

    /// <summary>The CDB length, or 0 when it cannot be told (see <see cref="TryGetLength"/>).</summary>
    public int Length => TryGetLength(_bytes, out int length) ? length : 0;

    /// <summary>The CONTROL byte (last byte of a fixed-length CDB; byte 1 of a variable-length CDB), or 0 when not present.</summary>
    public byte Control
    {
        get
        {
            int index = OperationCode == ScsiOpcode.VariableLengthCdb ? 1 : Length - 1;
            return index >= 0 && index < _bytes.Length ? _bytes[index] : (byte)0;
        }
    }

    /// <summary>NACA bit of CONTROL (SAM-5 "CONTROL byte"): ACA on CHECK CONDITION.</summary>
    public bool NormalAca => (Control & NacaBit) != 0;

    /// <summary>
    /// SERVICE ACTION: byte 1 bits 4-0 for the operation codes that carry one (SERVICE ACTION IN/OUT,
    /// MAINTENANCE IN/OUT, PERSISTENT RESERVE IN/OUT, THIRD-PARTY COPY IN/OUT, SANITIZE), bytes 8-9 of a
    /// variable-length CDB. False for other operation codes or a CDB too short to hold the field.
    /// </summary>
    public bool TryGetServiceAction(out ushort serviceAction)
    {
        serviceAction = 0;
        switch (OperationCode)
        {
            case ScsiOpcode.VariableLengthCdb:
                if (_bytes.Length < 10)
                {
                    return false;
                }

                serviceAction = BinaryPrimitives.ReadUInt16BigEndian(_bytes[8..]);
                return true;
            case ScsiOpcode.ServiceActionIn16 or ScsiOpcode.ServiceActionOut16 or ScsiOpcode.ServiceActionIn12
                or ScsiOpcode.ServiceActionOut12 or ScsiOpcode.ServiceActionBidirectional
                or ScsiOpcode.MaintenanceIn or ScsiOpcode.MaintenanceOut
                or ScsiOpcode.PersistentReserveIn or ScsiOpcode.PersistentReserveOut
                or ScsiOpcode.ExtendedCopy or ScsiOpcode.ReceiveCopyResults or ScsiOpcode.Sanitize:
                if (_bytes.Length < 2)
                {
                    return false;
                }

                serviceAction = (ushort)(_bytes[1] & 0x1f);
                return true;
            default:
                return false;
        }
    }

    /// <summary>ALLOCATION LENGTH of commands that return Data-In (see <see cref="CdbLengthField.TryGet"/>).</summary>
    public bool TryGetAllocationLength(out uint length) => TryGetLengthField(CdbLengthKind.AllocationLength, out length);

    /// <summary>PARAMETER LIST LENGTH of commands that carry Data-Out (see <see cref="CdbLengthField.TryGet"/>).</summary>
    public bool TryGetParameterListLength(out uint length) => TryGetLengthField(CdbLengthKind.ParameterListLength, out length);

    private bool TryGetLengthField(CdbLengthKind kind, out uint length)
    {
        length = 0;
        if (!CdbLengthField.TryGet(OperationCode, out CdbLengthField field) || field.Kind != kind
            || _bytes.Length < field.Offset + field.Size)
        {
            return false;
        }

        foreach (byte b in _bytes.Slice(field.Offset, field.Size))
        {
            length = (length << 8) | b;
        }

        return true;
    }

    /// <summary>
    /// Decodes READ/WRITE (6), (10), (12) and (16) (SBC-4). Reports, with the field to point at:
    /// an operation code that is not one of these (INVALID COMMAND OPERATION CODE, byte 0); a span shorter
    /// than the CDB (INVALID FIELD IN CDB, byte 0); a nonzero RDPROTECT/WRPROTECT when
    /// <paramref name="protectionInformationEnabled"/> is false (byte 1, bit 7); a TRANSFER LENGTH above
    /// <paramref name="maximumTransferLength"/>, the MAXIMUM TRANSFER LENGTH of the Block Limits VPD page
    /// (first byte of TRANSFER LENGTH). The LBA range is checked by <see cref="ReadWriteCdb.IsWithinCapacity"/>.
    /// </summary>
    public bool TryDecodeReadWrite(out ReadWriteCdb command, out CdbFieldError error,
        uint maximumTransferLength = uint.MaxValue, bool protectionInformationEnabled = false)
    {
        command = default;
        error = default;
        ScsiOpcode opcode = OperationCode;
        int transferLengthOffset;
        switch (opcode)
        {
            // READ(6)/WRITE(6): 1 bits 4-0 + 2-3 LBA (21 bits), 4 TRANSFER LENGTH (0 means 256), 5 CONTROL.
            case ScsiOpcode.Read6 or ScsiOpcode.Write6:
                if (_bytes.Length < 6)
                {
                    error = CdbFieldError.InvalidField(0);
                    return false;
                }

                transferLengthOffset = 4;
                uint blocks6 = _bytes[4] == 0 ? 256u : _bytes[4];
                command = new ReadWriteCdb(opcode, (uint)((_bytes[1] & 0x1f) << 16) | BinaryPrimitives.ReadUInt16BigEndian(_bytes[2..]),
                    blocks6, ForceUnitAccess: false, DisablePageOut: false, Protect: 0, GroupNumber: 0);
                break;

            // (10): 1 PROTECT|DPO|FUA, 2-5 LBA, 6 GROUP NUMBER, 7-8 TRANSFER LENGTH, 9 CONTROL.
            case ScsiOpcode.Read10 or ScsiOpcode.Write10:
                if (_bytes.Length < 10)
                {
                    error = CdbFieldError.InvalidField(0);
                    return false;
                }

                transferLengthOffset = 7;
                command = Decode(opcode, BinaryPrimitives.ReadUInt32BigEndian(_bytes[2..]), BinaryPrimitives.ReadUInt16BigEndian(_bytes[7..]), _bytes[6]);
                break;

            // (12): 1 PROTECT|DPO|FUA, 2-5 LBA, 6-9 TRANSFER LENGTH, 10 GROUP NUMBER, 11 CONTROL.
            case ScsiOpcode.Read12 or ScsiOpcode.Write12:
                if (_bytes.Length < 12)
                {
                    error = CdbFieldError.InvalidField(0);
                    return false;
                }

                transferLengthOffset = 6;
                command = Decode(opcode, BinaryPrimitives.ReadUInt32BigEndian(_bytes[2..]), BinaryPrimitives.ReadUInt32BigEndian(_bytes[6..]), _bytes[10]);
                break;

            // (16): 1 PROTECT|DPO|FUA, 2-9 LBA, 10-13 TRANSFER LENGTH, 14 GROUP NUMBER (bits 5-0), 15 CONTROL.
            case ScsiOpcode.Read16 or ScsiOpcode.Write16:
                if (_bytes.Length < 16)
                {
                    error = CdbFieldError.InvalidField(0);
                    return false;
                }

                transferLengthOffset = 10;
                command = Decode(opcode, BinaryPrimitives.ReadUInt64BigEndian(_bytes[2..]), BinaryPrimitives.ReadUInt32BigEndian(_bytes[10..]), _bytes[14]);
                break;

            default:
                error = CdbFieldError.InvalidOperationCode;
                return false;
        }

        if (command.Protect != 0 && !protectionInformationEnabled)
        {
            command = default;
            error = CdbFieldError.InvalidField(1, 7);
            return false;
        }

        if (command.TransferLength > maximumTransferLength)
        {
            command = default;
            error = CdbFieldError.InvalidField((ushort)transferLengthOffset);
            return false;
        }

        return true;
    }

    private ReadWriteCdb Decode(ScsiOpcode opcode, ulong lba, uint transferLength, byte groupByte)
    {
        byte flags = _bytes[1];
        return new ReadWriteCdb(opcode, lba, transferLength,
            ForceUnitAccess: (flags & FuaBit) != 0,
            DisablePageOut: (flags & DpoBit) != 0,
            Protect: (byte)(flags >> 5),
            GroupNumber: (byte)(groupByte & 0x3f));
    }
}
