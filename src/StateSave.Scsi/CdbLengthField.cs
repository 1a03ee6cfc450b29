namespace StateSave.Scsi;

/// <summary>Whether a CDB length field limits Data-In or announces Data-Out (SPC-5 §4.2.5, "allocation length" and "parameter list length").</summary>
public enum CdbLengthKind : byte
{
    /// <summary>ALLOCATION LENGTH: the most Data-In bytes the application client has room for.</summary>
    AllocationLength = 0,

    /// <summary>PARAMETER LIST LENGTH: the number of Data-Out bytes that follow.</summary>
    ParameterListLength = 1,
}

/// <summary>Position of the ALLOCATION LENGTH or PARAMETER LIST LENGTH field of a CDB (big-endian).</summary>
/// <param name="Offset">First (most significant) byte of the field.</param>
/// <param name="Size">Width in bytes: 1, 2, 3 or 4.</param>
/// <param name="Kind">Allocation length or parameter list length.</param>
public readonly record struct CdbLengthField(int Offset, int Size, CdbLengthKind Kind)
{
    /// <summary>
    /// The length field of the SPC-5/SBC-4 commands that have one; false for commands without one (and
    /// for READ/WRITE, whose TRANSFER LENGTH counts blocks: see <see cref="Cdb.TryDecodeReadWrite"/>).
    /// </summary>
    public static bool TryGet(ScsiOpcode opcode, out CdbLengthField field)
    {
        const CdbLengthKind In = CdbLengthKind.AllocationLength;
        const CdbLengthKind Out = CdbLengthKind.ParameterListLength;
        field = opcode switch
        {
            ScsiOpcode.RequestSense => new(4, 1, In),
            ScsiOpcode.Inquiry => new(3, 2, In),
            ScsiOpcode.ModeSelect6 => new(4, 1, Out),
            ScsiOpcode.ModeSense6 => new(4, 1, In),
            ScsiOpcode.ReceiveDiagnosticResults => new(3, 2, In),
            ScsiOpcode.SendDiagnostic => new(3, 2, Out),
            ScsiOpcode.ReadDefectData10 => new(7, 2, In),
            ScsiOpcode.WriteBuffer => new(6, 3, Out),
            ScsiOpcode.ReadBuffer10 => new(6, 3, In),
            ScsiOpcode.Unmap => new(7, 2, Out),
            ScsiOpcode.Sanitize => new(7, 2, Out),
            ScsiOpcode.LogSelect => new(7, 2, Out),
            ScsiOpcode.LogSense => new(7, 2, In),
            ScsiOpcode.ModeSelect10 => new(7, 2, Out),
            ScsiOpcode.ModeSense10 => new(7, 2, In),
            ScsiOpcode.PersistentReserveIn => new(7, 2, In),
            ScsiOpcode.PersistentReserveOut => new(5, 4, Out),
            ScsiOpcode.ExtendedCopy => new(10, 4, Out),
            ScsiOpcode.ReceiveCopyResults => new(10, 4, In),
            ScsiOpcode.ReadAttribute => new(10, 4, In),
            ScsiOpcode.WriteAttribute => new(10, 4, Out),
            ScsiOpcode.ReadBuffer16 => new(10, 4, In),
            ScsiOpcode.ServiceActionIn16 => new(10, 4, In),
            ScsiOpcode.ReportLuns => new(6, 4, In),
            ScsiOpcode.SecurityProtocolIn => new(6, 4, In),
            ScsiOpcode.MaintenanceIn => new(6, 4, In),
            ScsiOpcode.MaintenanceOut => new(6, 4, Out),
            ScsiOpcode.SecurityProtocolOut => new(6, 4, Out),
            ScsiOpcode.ReadDefectData12 => new(6, 4, In),
            _ => default,
        };
        return field.Size != 0;
    }
}
