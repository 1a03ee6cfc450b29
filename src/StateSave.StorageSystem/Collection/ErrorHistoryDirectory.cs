using System.Buffers.Binary;

namespace StateSave.StorageSystem.Collection;

/// <summary>
/// An error history directory (SPC-5 §6.19.5.2) as a host returns it for its snapshot: 32-byte header with DIRECTORY
/// LENGTH at bytes 30-31, then 8-byte entries (SUPPORTED BUFFER ID, BUFFER FORMAT, BUFFER SOURCE, reserved, MAXIMUM
/// AVAILABLE LENGTH).
/// </summary>
internal static class ErrorHistoryDirectory
{
    public const int HeaderLength = 32;
    public const int EntryLength = 8;

    /// <summary>The data buffers (10h-EFh) the directory lists, in order; null when it is malformed.</summary>
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
            if (id is < 0x10 or > 0xef || !seen.Add(id))
            {
                return null;
            }

            buffers.Add((id, directory[offset + 1], BinaryPrimitives.ReadUInt32BigEndian(directory[(offset + 4)..])));
        }

        return buffers;
    }
}
