namespace StateSave.Scsi;

/// <summary>
/// Where a CDB is wrong, in the terms of the SPC-5 field pointer (sense key specific bytes, §4.4): the
/// byte (the most significant byte of the field) and, when the error is in part of a byte, the leftmost
/// bit of the field. Turn it into sense data with <see cref="SenseData.IllegalRequest(CdbFieldError)"/>.
/// </summary>
/// <param name="AdditionalSenseCode">INVALID FIELD IN CDB, or INVALID COMMAND OPERATION CODE for byte 0.</param>
/// <param name="ByteOffset">FIELD POINTER: the CDB byte in error.</param>
/// <param name="BitPointer">BIT POINTER (0-7), or null when the whole byte is meant (BPV = 0).</param>
public readonly record struct CdbFieldError(AdditionalSenseCode AdditionalSenseCode, ushort ByteOffset, int? BitPointer)
{
    /// <summary>INVALID FIELD IN CDB at the given byte and bit.</summary>
    public static CdbFieldError InvalidField(ushort byteOffset, int? bitPointer = null) =>
        new(AdditionalSenseCode.InvalidFieldInCdb, byteOffset, bitPointer);

    /// <summary>INVALID COMMAND OPERATION CODE (byte 0).</summary>
    public static CdbFieldError InvalidOperationCode => new(AdditionalSenseCode.InvalidCommandOperationCode, 0, null);
}
