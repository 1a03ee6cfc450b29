using System.Buffers.Binary;

namespace StateSave.Scsi.InBand;

/// <summary>
/// READ BUFFER (16) with MODE 1Ch, error history (SPC-5 §6.19, §5.7): how the controller pulls a host's snapshot
/// (specs/in-band-state-save.md §2.1).
/// <code>
/// 0 9Bh | 1 MODE (4-0) = 1Ch | 2-9 BUFFER OFFSET | 10-13 ALLOCATION LENGTH | 14 BUFFER ID | 15 CONTROL
/// </code>
/// </summary>
/// <param name="BufferId">00h directory, 10h-EFh data buffers, FEh clear the error history I_T nexus, FFh release.</param>
/// <param name="BufferOffset">Where in the buffer to start.</param>
/// <param name="AllocationLength">The most bytes to return.</param>
public readonly record struct ErrorHistoryReadCdb(byte BufferId, ulong BufferOffset, uint AllocationLength)
{
    public const byte OperationCode = 0x9b;
    public const byte ErrorHistoryMode = 0x1c;
    public const byte DirectoryBufferId = 0x00;
    public const byte FirstDataBufferId = 0x10;
    public const byte LastDataBufferId = 0xef;
    public const byte ClearNexusBufferId = 0xfe;
    public const byte ReleaseBufferId = 0xff;
    public const int Length = 16;

    /// <summary>Where BUFFER ID is in the CDB (SPC-5 §6.19, READ BUFFER (16)).</summary>
    public const int BufferIdOffset = 14;

    /// <summary>Whether <see cref="BufferId"/> names a data buffer (10h-EFh).</summary>
    public bool IsDataBuffer => BufferId is >= FirstDataBufferId and <= LastDataBufferId;

    public void Encode(Span<byte> cdb)
    {
        if (cdb.Length < Length)
        {
            throw new ArgumentException($"A READ BUFFER (16) CDB is {Length} bytes.", nameof(cdb));
        }

        cdb[..Length].Clear();
        cdb[0] = OperationCode;
        cdb[1] = ErrorHistoryMode;
        BinaryPrimitives.WriteUInt64BigEndian(cdb[2..], BufferOffset);
        BinaryPrimitives.WriteUInt32BigEndian(cdb[10..], AllocationLength);
        cdb[BufferIdOffset] = BufferId;
    }

    public byte[] ToArray()
    {
        byte[] cdb = new byte[Length];
        Encode(cdb);
        return cdb;
    }

    /// <summary>
    /// Decodes READ BUFFER (16) mode 1Ch; null or the field in error: another opcode or length (INVALID COMMAND
    /// OPERATION CODE), another mode or reserved bits in byte 1, a reserved BUFFER ID (01h-0Fh, F0h-FDh: host snapshots
    /// are made by STATE SAVE), or a CONTROL byte other than 0.
    /// </summary>
    public static CdbFieldError? TryDecode(ReadOnlySpan<byte> cdb, out ErrorHistoryReadCdb decoded)
    {
        decoded = default;
        if (cdb.Length != Length || cdb[0] != OperationCode)
        {
            return CdbFieldError.InvalidOperationCode;
        }

        if (cdb[1] != ErrorHistoryMode)
        {
            return CdbFieldError.InvalidField(1, 4);
        }

        byte id = cdb[BufferIdOffset];
        if (id is > DirectoryBufferId and < FirstDataBufferId or > LastDataBufferId and < ClearNexusBufferId)
        {
            return CdbFieldError.InvalidField(BufferIdOffset);
        }

        if (cdb[15] != 0)
        {
            return CdbFieldError.InvalidField(15);
        }

        decoded = new ErrorHistoryReadCdb(id, BinaryPrimitives.ReadUInt64BigEndian(cdb[2..]), BinaryPrimitives.ReadUInt32BigEndian(cdb[10..]));
        return null;
    }
}
