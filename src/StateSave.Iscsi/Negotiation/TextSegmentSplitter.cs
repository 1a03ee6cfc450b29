namespace StateSave.Iscsi.Negotiation;

/// <summary>One PDU's worth of outgoing text: its data segment and whether the PDU carries C=1.</summary>
public readonly record struct TextChunk(ReadOnlyMemory<byte> Data, bool Continue);

/// <summary>
/// Cuts encoded outgoing text into data segments no longer than the peer's MaxRecvDataSegmentLength
/// (RFC 7143 §6.1, §13.12): every chunk but the last carries C=1. Cuts may fall inside a pair.
/// </summary>
public static class TextSegmentSplitter
{
    /// <param name="encodedText">Text produced by <see cref="TextCodec"/>.</param>
    /// <param name="maxRecvDataSegmentLength">The MaxRecvDataSegmentLength the peer declared.</param>
    /// <returns>At least one chunk (an empty text gives one empty chunk with C=0). Chunks slice the input; nothing is copied.</returns>
    public static IReadOnlyList<TextChunk> Split(ReadOnlyMemory<byte> encodedText, int maxRecvDataSegmentLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecvDataSegmentLength, 1);
        if (encodedText.IsEmpty)
        {
            return [new TextChunk(ReadOnlyMemory<byte>.Empty, Continue: false)];
        }
        var chunks = new List<TextChunk>((encodedText.Length + maxRecvDataSegmentLength - 1) / maxRecvDataSegmentLength);
        while (encodedText.Length > maxRecvDataSegmentLength)
        {
            chunks.Add(new TextChunk(encodedText[..maxRecvDataSegmentLength], Continue: true));
            encodedText = encodedText[maxRecvDataSegmentLength..];
        }
        chunks.Add(new TextChunk(encodedText, Continue: false));
        return chunks;
    }
}
