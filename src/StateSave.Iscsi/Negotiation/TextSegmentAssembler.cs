using System.Buffers;
using StateSave.Iscsi.Protocol;

namespace StateSave.Iscsi.Negotiation;

/// <summary>
/// Joins the data segments of a run of Text or Login PDUs with the Continue (C) bit set, ended by one with C=0,
/// into one logical text data segment (RFC 7143 §6.1). Pairs, and even keys, may be split anywhere across PDUs,
/// so nothing is parsed until the last PDU arrives.
/// </summary>
public sealed class TextSegmentAssembler
{
    private readonly ArrayBufferWriter<byte> _buffer = new();
    private readonly TextKeyRegistry _registry;

    /// <param name="maxTotalTextLength">
    /// Bound on the text a peer may send in one logical text data segment; at least the 8192 bytes RFC 7143 §6.1
    /// requires every implementation to accept.
    /// </param>
    /// <param name="registry">Gives per-key value limits; <see cref="TextKeyRegistry.Standard"/> when null.</param>
    public TextSegmentAssembler(int maxTotalTextLength = TextLimits.DefaultMaxTotalTextLength, TextKeyRegistry? registry = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTotalTextLength, TextLimits.MinimumTotalTextLength);
        MaxTotalTextLength = maxTotalTextLength;
        _registry = registry ?? TextKeyRegistry.Standard;
    }

    public int MaxTotalTextLength { get; }

    /// <summary>Bytes buffered so far for the sequence in progress.</summary>
    public int BufferedLength => _buffer.WrittenCount;

    /// <summary>Whether a PDU with C=1 has been appended and the final one (C=0) is still awaited.</summary>
    public bool IsInProgress { get; private set; }

    /// <summary>Appends the data segment of one PDU.</summary>
    /// <param name="dataSegment">The PDU's data segment (without padding).</param>
    /// <param name="continueFlag">The PDU's C bit.</param>
    /// <param name="pairs">When C=0: every pair of the logical text data segment; otherwise empty.</param>
    /// <returns>True when the sequence is complete (C=0) and <paramref name="pairs"/> holds its text.</returns>
    /// <exception cref="IscsiProtocolException">The text exceeds the bound, or is malformed.</exception>
    public bool Append(in ReadOnlySequence<byte> dataSegment, bool continueFlag, out IReadOnlyList<TextKeyValue> pairs)
    {
        CheckBound(dataSegment.Length);
        foreach (ReadOnlyMemory<byte> segment in dataSegment)
        {
            _buffer.Write(segment.Span);
        }
        return Finish(continueFlag, out pairs);
    }

    /// <inheritdoc cref="Append(in ReadOnlySequence{byte}, bool, out IReadOnlyList{TextKeyValue})"/>
    public bool Append(ReadOnlySpan<byte> dataSegment, bool continueFlag, out IReadOnlyList<TextKeyValue> pairs)
    {
        CheckBound(dataSegment.Length);
        _buffer.Write(dataSegment);
        return Finish(continueFlag, out pairs);
    }

    /// <summary>Drops any partial sequence (e.g. when the login is restarted).</summary>
    public void Reset()
    {
        _buffer.ResetWrittenCount();
        IsInProgress = false;
    }

    private void CheckBound(long length)
    {
        // Checked before copying: a peer cannot make this side buffer more than the bound.
        if (length > MaxTotalTextLength - _buffer.WrittenCount)
        {
            long total = _buffer.WrittenCount + length;
            Reset();
            throw TextErrors.Text(ProtocolErrorCode.TextTooLong,
                $"The peer sent {total} bytes of text in one sequence; at most {MaxTotalTextLength} bytes are accepted.");
        }
    }

    private bool Finish(bool continueFlag, out IReadOnlyList<TextKeyValue> pairs)
    {
        if (continueFlag)
        {
            IsInProgress = true;
            pairs = [];
            return false;
        }
        try
        {
            pairs = TextCodec.Decode(_buffer.WrittenSpan, _registry);
        }
        finally
        {
            Reset();
        }
        return true;
    }
}
