using System.Buffers.Binary;

namespace StateSave.Scsi.InBand;

/// <summary>
/// An error history directory (SPC-5 §6.19.5.2): a 32-byte header (T10 VENDOR IDENTIFICATION, VERSION, EHS_RETRIEVED,
/// EHS_SOURCE, CLR_SUP, DIRECTORY LENGTH at bytes 30-31) and 8-byte entries (SUPPORTED BUFFER ID, BUFFER FORMAT, BUFFER
/// SOURCE, reserved, MAXIMUM AVAILABLE LENGTH). Hosts answer READ BUFFER mode 1Ch BUFFER ID 00h with one, and so do
/// the storage's logical units.
/// </summary>
public static class ErrorHistoryDirectory
{
    public const int HeaderLength = 32;
    public const int EntryLength = 8;

    /// <summary>The data buffers (10h-EFh) the directory lists, in order; null when it is malformed (short, or an ID listed twice).</summary>
    public static IReadOnlyList<(byte BufferId, byte Format, uint MaximumLength)>? Parse(ReadOnlySpan<byte> directory)
    {
        if (directory.Length < HeaderLength)
        {
            return null;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(directory[30..]);
        if (length % EntryLength != 0 || HeaderLength + length > directory.Length)
        {
            return null;
        }

        var buffers = new List<(byte, byte, uint)>();
        var seen = new HashSet<byte>();
        for (int offset = HeaderLength; offset < HeaderLength + length; offset += EntryLength)
        {
            byte id = directory[offset];
            if (!seen.Add(id))
            {
                return null;
            }

            if (id is < ErrorHistoryReadCdb.FirstDataBufferId or > ErrorHistoryReadCdb.LastDataBufferId)
            {
                continue; // SPC-5 lists every supported BUFFER ID (00h-03h, FEh, FFh too); only data buffers are read
            }

            buffers.Add((id, directory[offset + 1], BinaryPrimitives.ReadUInt32BigEndian(directory[(offset + 4)..])));
        }

        return buffers;
    }

    /// <summary>
    /// A directory listing <paramref name="buffers"/> (BUFFER SOURCE 0; lengths of 4 GiB or more saturate at FFFFFFFFh),
    /// with <paramref name="vendor"/> as T10 VENDOR IDENTIFICATION and the header byte 9 given (EHS_RETRIEVED, EHS_SOURCE, CLR_SUP).
    /// </summary>
    public static byte[] Encode(ReadOnlySpan<byte> vendor, byte version, byte retrievedSourceAndClear,
        IReadOnlyList<(byte BufferId, byte Format, long Length)> buffers)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        byte[] directory = new byte[HeaderLength + (EntryLength * buffers.Count)];
        directory.AsSpan(0, 8).Fill((byte)' ');
        vendor[..Math.Min(8, vendor.Length)].CopyTo(directory);
        directory[8] = version;
        directory[9] = retrievedSourceAndClear;
        BinaryPrimitives.WriteUInt16BigEndian(directory.AsSpan(30), (ushort)(EntryLength * buffers.Count));
        for (int i = 0; i < buffers.Count; i++)
        {
            Span<byte> entry = directory.AsSpan(HeaderLength + (EntryLength * i), EntryLength);
            entry[0] = buffers[i].BufferId;
            entry[1] = buffers[i].Format;
            BinaryPrimitives.WriteUInt32BigEndian(entry[4..], (uint)Math.Min(buffers[i].Length, uint.MaxValue));
        }

        return directory;
    }
}
