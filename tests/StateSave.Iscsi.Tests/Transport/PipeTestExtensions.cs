using System.Buffers;
using System.IO.Pipelines;

namespace StateSave.Iscsi.Tests.Transport;

/// <summary>Reading helpers for transport tests.</summary>
internal static class PipeTestExtensions
{
    /// <summary>
    /// Reads exactly <paramref name="count"/> bytes, consuming nothing until all are buffered
    /// (AdvanceTo(start, end)), the way a PDU reader waits for a whole PDU.
    /// </summary>
    public static async Task<byte[]> ReadWholeMessageAsync(this PipeReader reader, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length >= count)
            {
                byte[] message = buffer.Slice(0, count).ToArray();
                reader.AdvanceTo(buffer.GetPosition(count));
                return message;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new EndOfStreamException($"Input ended after {buffer.Length} of {count} bytes.");
            }
        }
    }

    /// <summary>Reads until the input completes and returns everything read.</summary>
    public static async Task<byte[]> ReadToEndAsync(this PipeReader reader, CancellationToken cancellationToken)
    {
        var all = new MemoryStream();
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken);
            foreach (ReadOnlyMemory<byte> segment in result.Buffer)
            {
                all.Write(segment.Span);
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return all.ToArray();
            }
        }
    }
}
