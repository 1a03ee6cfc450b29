using System.Buffers.Binary;

namespace StateSave.Scsi.InBand;

/// <summary>
/// The STATE SAVE CDB (vendor-specific opcode C5h, 16 bytes; specs/in-band-state-save.md §2.1): the storage
/// controller asks a host to freeze a snapshot of its state for one failure.
/// <code>
/// 0 C5h | 1 SERVICE ACTION (4-0) = 00h | 2 SCOPE | 3 reserved | 4-11 FAILURE ID | 12-15 PARAMETER LIST LENGTH
/// </code>
/// </summary>
/// <param name="Scope">What to freeze.</param>
/// <param name="FailureId">The failure the snapshot belongs to.</param>
/// <param name="ParameterListLength">Bytes of the parameter list (<see cref="StateSaveParameters"/>) that follow.</param>
public readonly record struct StateSaveCdb(StateSaveScope Scope, ulong FailureId, uint ParameterListLength)
{
    /// <summary>The vendor-specific operation code.</summary>
    public const byte OperationCode = 0xc5;

    /// <summary>SERVICE ACTION 00h: SAVE STATE.</summary>
    public const byte SaveStateServiceAction = 0x00;

    public const int Length = 16;

    private const int ScopeOffset = 2;
    private const int FailureIdOffset = 4;
    private const int ParameterListLengthOffset = 12;

    /// <summary>Writes the 16 CDB bytes.</summary>
    public void Encode(Span<byte> cdb)
    {
        if (cdb.Length < Length)
        {
            throw new ArgumentException($"A STATE SAVE CDB is {Length} bytes.", nameof(cdb));
        }

        cdb[..Length].Clear();
        cdb[0] = OperationCode;
        cdb[1] = SaveStateServiceAction;
        cdb[ScopeOffset] = (byte)Scope;
        BinaryPrimitives.WriteUInt64BigEndian(cdb[FailureIdOffset..], FailureId);
        BinaryPrimitives.WriteUInt32BigEndian(cdb[ParameterListLengthOffset..], ParameterListLength);
    }

    /// <summary>The CDB as a new 16-byte array.</summary>
    public byte[] ToArray()
    {
        byte[] cdb = new byte[Length];
        Encode(cdb);
        return cdb;
    }

    /// <summary>
    /// Decodes a STATE SAVE CDB. Returns null, or the field in error: a wrong length or opcode (INVALID COMMAND
    /// OPERATION CODE), else INVALID FIELD IN CDB: another service action or reserved bits (byte 1), scope bits outside <see cref="StateSaveScope.All"/>
    /// or none (byte 2), a reserved byte set (byte 3), or a parameter list longer than <see cref="StateSaveParameters.MaximumLength"/> (byte 12).
    /// </summary>
    public static CdbFieldError? TryDecode(ReadOnlySpan<byte> cdb, out StateSaveCdb decoded)
    {
        decoded = default;
        if (cdb.Length != Length || cdb[0] != OperationCode)
        {
            return CdbFieldError.InvalidOperationCode;
        }

        if ((cdb[1] & 0x1f) != SaveStateServiceAction)
        {
            return CdbFieldError.InvalidField(1, 4);
        }

        if ((cdb[1] & 0xe0) != 0)
        {
            return CdbFieldError.InvalidField(1, 7);
        }

        var scope = (StateSaveScope)cdb[ScopeOffset];
        if (scope == StateSaveScope.None || (scope & ~StateSaveScope.All) != 0)
        {
            return CdbFieldError.InvalidField(ScopeOffset);
        }

        if (cdb[3] != 0)
        {
            return CdbFieldError.InvalidField(3);
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(cdb[ParameterListLengthOffset..]);
        if (length > StateSaveParameters.MaximumLength)
        {
            return CdbFieldError.InvalidField(ParameterListLengthOffset);
        }

        decoded = new StateSaveCdb(scope, BinaryPrimitives.ReadUInt64BigEndian(cdb[FailureIdOffset..]), length);
        return null;
    }
}
