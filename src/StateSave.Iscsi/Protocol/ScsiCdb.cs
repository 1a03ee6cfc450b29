using System.Buffers;
using System.Runtime.CompilerServices;

namespace StateSave.Iscsi.Protocol;

/// <summary>
/// The SCSI CDB of a SCSI Command PDU: 16 bytes in the BHS (bytes 32–47, a shorter CDB zero-padded) and, for a
/// longer CDB, the rest in an Extended CDB AHS (RFC 7143 §11.3.5, §11.2.2.4). The 16 bytes are held inline; the
/// extension is a slice of the receive buffer (parse) or the caller's memory (write).
/// </summary>
public struct ScsiCdb
{
    /// <summary>CDB bytes carried in the BHS.</summary>
    public const int HeaderLength = 16;

    /// <summary>Largest CDB an Extended CDB AHS can complete (AHSLength is 16 bits; SPC-5 caps CDBs at 260 bytes).</summary>
    public const int MaxLength = 260;

    private CdbBytes _bytes;

    /// <summary>Creates a CDB from <paramref name="cdb"/> (any length up to 16 is zero-padded).</summary>
    public ScsiCdb(ReadOnlySpan<byte> cdb)
    {
        if (cdb.Length > HeaderLength)
        {
            throw new ArgumentException("A CDB longer than 16 bytes needs its extension as a separate sequence.", nameof(cdb));
        }

        cdb.CopyTo(_bytes);
    }

    /// <summary>Creates a CDB longer than 16 bytes: the first 16 and the extension (bytes 16 onwards).</summary>
    public ScsiCdb(ReadOnlySpan<byte> first16, ReadOnlySequence<byte> extension)
        : this(first16)
    {
        if (HeaderLength + extension.Length > MaxLength)
        {
            throw new ArgumentException($"A CDB may not exceed {MaxLength} bytes.", nameof(extension));
        }

        Extension = extension;
    }

    /// <summary>Bytes beyond the 16 carried in the BHS (empty for CDBs of 16 bytes or fewer).</summary>
    public ReadOnlySequence<byte> Extension { get; }

    /// <summary>16 plus the extension length.</summary>
    public readonly int Length => HeaderLength + (int)Extension.Length;

    /// <summary>OPERATION CODE (byte 0).</summary>
    public readonly byte OperationCode => _bytes[0];

    public readonly byte this[int index] => index < HeaderLength ? _bytes[index] : ReadExtension(index - HeaderLength);

    /// <summary>Copies the whole CDB (<see cref="Length"/> bytes) into <paramref name="destination"/>.</summary>
    public readonly void CopyTo(Span<byte> destination)
    {
        ((ReadOnlySpan<byte>)_bytes).CopyTo(destination);
        Extension.CopyTo(destination[HeaderLength..]);
    }

    internal readonly void CopyHeaderPartTo(Span<byte> destination) => ((ReadOnlySpan<byte>)_bytes).CopyTo(destination);

    private readonly byte ReadExtension(int index)
    {
        Span<byte> one = stackalloc byte[1];
        Extension.Slice(index, 1).CopyTo(one);
        return one[0];
    }

    [InlineArray(HeaderLength)]
    private struct CdbBytes
    {
        private byte _element0;
    }
}
