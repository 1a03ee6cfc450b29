using System.Buffers;
using System.IO.Pipelines;
using StateSave.Iscsi.Transport;

namespace StateSave.Iscsi.Tests.Transport;

[TestFixture]
public sealed class PipeSizingTests
{
    [TestCase(0, 0, 48 + 4 + 0 + 4)]
    [TestCase(1, 0, 48 + 4 + 4 + 4)]
    [TestCase(8192, 0, 48 + 4 + 8192 + 4)]
    [TestCase(8193, 16, 48 + 16 + 4 + 8196 + 4)]
    [TestCase(16_777_215, 1020, 48 + 1020 + 4 + 16_777_216 + 4)]
    public void LargestPduLength_IsHeaderPlusAhsPlusDigestsPlusPaddedData(int maxRecvDataSegmentLength, int maxAhs, long expected) =>
        Assert.That(PipeSizing.LargestPduLength(maxRecvDataSegmentLength, maxAhs), Is.EqualTo(expected));

    [TestCase(0)]
    [TestCase(8192)]
    [TestCase(262_144)]
    [TestCase(1_048_576)]
    [TestCase(16_777_215)]
    public void InputThresholds_PauseAtTwiceTheLargestPdu_ResumeAtOneOrMore(int maxRecvDataSegmentLength)
    {
        var options = new TransportOptions { MaxRecvDataSegmentLength = maxRecvDataSegmentLength };
        PipeOptions pipe = PipeSizing.CreateInputPipeOptions(options);

        Assert.Multiple(() =>
        {
            Assert.That(pipe.PauseWriterThreshold, Is.GreaterThanOrEqualTo(2 * options.LargestPduLength));
            Assert.That(pipe.PauseWriterThreshold, Is.GreaterThanOrEqualTo(PipeSizing.DefaultPauseWriterThreshold));
            Assert.That(pipe.ResumeWriterThreshold, Is.GreaterThanOrEqualTo(options.LargestPduLength));
            Assert.That(pipe.ResumeWriterThreshold, Is.LessThanOrEqualTo(pipe.PauseWriterThreshold));
        });
    }

    [Test]
    public void Options_RejectOutOfRangeLimits()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new TransportOptions { MaxRecvDataSegmentLength = 1 << 24 }, Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new TransportOptions { MaxRecvDataSegmentLength = -1 }, Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new TransportOptions { MaxAdditionalHeaderSegmentLength = 1021 }, Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new TransportOptions { MinimumSegmentSize = 0 }, Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    // The three tests below pin down why the input pipe is sized from the largest PDU, deterministically (no timing):
    // a reader waiting for a whole 1 MiB PDU that reports only the 48-byte header it parsed as examined.

    [Test]
    public void DefaultThresholds_ReaderExaminingOnlyTheHeader_LeavesTheWriterPaused()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));
        pipe.Writer.Write(new byte[100 * 1024]);
        ValueTask<FlushResult> flush = pipe.Writer.FlushAsync();

        Assert.That(pipe.Reader.TryRead(out ReadResult read), Is.True);
        pipe.Reader.AdvanceTo(read.Buffer.Start, read.Buffer.GetPosition(PipeSizing.BasicHeaderSegmentLength));

        Assert.That(flush.IsCompleted, Is.False, "writer paused while the reader waits for the rest: deadlock");
        pipe.Reader.Complete();
        pipe.Writer.Complete();
    }

    [Test]
    public void DefaultThresholds_ReaderExaminingEverything_ResumesTheWriter()
    {
        // .NET's Pipe counts back-pressure against unexamined bytes, so examined = End releases the writer even
        // below the threshold. PipeSizing does not rely on this; the test records the behaviour.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 64 * 1024, resumeWriterThreshold: 32 * 1024, useSynchronizationContext: false));
        pipe.Writer.Write(new byte[100 * 1024]);
        ValueTask<FlushResult> flush = pipe.Writer.FlushAsync();
        Assert.That(flush.IsCompleted, Is.False);

        Assert.That(pipe.Reader.TryRead(out ReadResult read), Is.True);
        pipe.Reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);

        Assert.That(flush.IsCompleted, Is.True);
        pipe.Reader.Complete();
        pipe.Writer.Complete();
    }

    [Test]
    public void SizedThresholds_ReaderExaminingOnlyTheHeader_NeverMeetsAPausedWriter()
    {
        var options = new TransportOptions { MaxRecvDataSegmentLength = 1024 * 1024 };
        var pipe = new Pipe(PipeSizing.CreateInputPipeOptions(options));

        // Everything but the PDU's last byte arrives: the writer must not pause, so the last byte can follow.
        pipe.Writer.Write(new byte[options.LargestPduLength - 1]);
        ValueTask<FlushResult> flush = pipe.Writer.FlushAsync();
        Assert.That(flush.IsCompleted, Is.True);

        Assert.That(pipe.Reader.TryRead(out ReadResult read), Is.True);
        pipe.Reader.AdvanceTo(read.Buffer.Start, read.Buffer.GetPosition(PipeSizing.BasicHeaderSegmentLength));
        pipe.Writer.Write(new byte[1]);
        ValueTask<FlushResult> lastFlush = pipe.Writer.FlushAsync();
        Assert.That(lastFlush.IsCompleted, Is.True);

        Assert.That(pipe.Reader.TryRead(out read), Is.True);
        Assert.That(read.Buffer.Length, Is.EqualTo(options.LargestPduLength));
        pipe.Reader.AdvanceTo(read.Buffer.End);
        pipe.Reader.Complete();
        pipe.Writer.Complete();
    }
}
