using System.Buffers;
using System.Text;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Tests.TestSupport;

namespace StateSave.Iscsi.Tests.Negotiation;

public class TextSegmentTests
{
    private static readonly byte[] Text = "InitiatorName=iqn.2024-01.com.example:host\0SessionType=Normal\0MaxBurstLength=262144\0"u8.ToArray();
    private static readonly TextKeyValue[] Pairs =
    [
        new("InitiatorName", "iqn.2024-01.com.example:host"), new("SessionType", "Normal"), new("MaxBurstLength", "262144"),
    ];

    [Test]
    public void Assembler_joins_pdus_split_at_every_offset()
    {
        var assembler = new TextSegmentAssembler();
        for (int cut = 0; cut <= Text.Length; cut++)
        {
            Assert.That(assembler.Append(Text.AsSpan(0, cut), continueFlag: true, out IReadOnlyList<TextKeyValue> none), Is.False);
            Assert.That(none, Is.Empty);
            Assert.That(assembler.IsInProgress, Is.True);
            Assert.That(assembler.Append(SegmentedSequence.Create(Text.AsMemory(cut), 1, 3), continueFlag: false, out IReadOnlyList<TextKeyValue> pairs), Is.True);
            Assert.That(pairs, Is.EqualTo(Pairs), $"cut at {cut}");
            Assert.That(assembler.IsInProgress, Is.False);
        }
    }

    [Test]
    public void Assembler_joins_one_byte_pdus_splitting_keys()
    {
        var assembler = new TextSegmentAssembler();
        for (int i = 0; i < Text.Length - 1; i++)
        {
            Assert.That(assembler.Append(Text.AsSpan(i, 1), continueFlag: true, out _), Is.False);
        }
        Assert.That(assembler.Append(Text.AsSpan(Text.Length - 1), continueFlag: false, out IReadOnlyList<TextKeyValue> pairs), Is.True);
        Assert.That(pairs, Is.EqualTo(Pairs));
    }

    [Test]
    public void Assembler_single_pdu_without_continue()
    {
        var assembler = new TextSegmentAssembler();
        Assert.That(assembler.Append(new ReadOnlySequence<byte>(Text), continueFlag: false, out IReadOnlyList<TextKeyValue> pairs), Is.True);
        Assert.That(pairs, Is.EqualTo(Pairs));
    }

    [Test]
    public void Assembler_rejects_unterminated_final_pdu()
    {
        var assembler = new TextSegmentAssembler();
        assembler.Append("HeaderDigest=No"u8, continueFlag: true, out _);
        TextCodecTests.AssertError(() => assembler.Append("ne"u8, continueFlag: false, out _), ProtocolErrorCode.MalformedText);
        Assert.That(assembler.BufferedLength, Is.Zero);
    }

    [Test]
    public void Assembler_enforces_total_bound_before_copying()
    {
        var assembler = new TextSegmentAssembler(maxTotalTextLength: 8192);
        byte[] chunk = Encoding.ASCII.GetBytes(new string('a', 4096));
        assembler.Append(chunk, continueFlag: true, out _);
        assembler.Append(chunk, continueFlag: true, out _);
        Assert.That(assembler.BufferedLength, Is.EqualTo(8192));
        TextCodecTests.AssertError(() => assembler.Append(new byte[1], continueFlag: true, out _), ProtocolErrorCode.TextTooLong);
        Assert.That(assembler.BufferedLength, Is.Zero);
    }

    [Test]
    public void Assembler_default_bound_is_64_KiB()
    {
        var assembler = new TextSegmentAssembler();
        Assert.That(assembler.MaxTotalTextLength, Is.EqualTo(65536));
        TextCodecTests.AssertError(() => assembler.Append(new ReadOnlySequence<byte>(new byte[65537]), continueFlag: false, out _),
            ProtocolErrorCode.TextTooLong);
    }

    [Test]
    public void Assembler_bound_below_rfc_minimum_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new TextSegmentAssembler(8191));

    [TestCase(0, 10, new int[0], new bool[] { false })]
    [TestCase(10, 10, new[] { 10 }, new[] { false })]
    [TestCase(11, 10, new[] { 10, 1 }, new[] { true, false })]
    [TestCase(25, 10, new[] { 10, 10, 5 }, new[] { true, true, false })]
    [TestCase(3, 1, new[] { 1, 1, 1 }, new[] { true, true, false })]
    public void Splitter_cuts_at_peer_limit(int length, int limit, int[] sizes, bool[] continues)
    {
        byte[] data = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        IReadOnlyList<TextChunk> chunks = TextSegmentSplitter.Split(data, limit);
        Assert.That(chunks.Select(c => c.Continue), Is.EqualTo(continues));
        if (length > 0)
        {
            Assert.That(chunks.Select(c => c.Data.Length), Is.EqualTo(sizes));
        }
        Assert.That(chunks.SelectMany(c => c.Data.ToArray()), Is.EqualTo(data));
    }

    [Test]
    public void Splitter_output_reassembles()
    {
        var assembler = new TextSegmentAssembler();
        IReadOnlyList<TextKeyValue> result = [];
        foreach (TextChunk chunk in TextSegmentSplitter.Split(Text, 7))
        {
            assembler.Append(chunk.Data.Span, chunk.Continue, out result);
        }
        Assert.That(result, Is.EqualTo(Pairs));
    }
}
