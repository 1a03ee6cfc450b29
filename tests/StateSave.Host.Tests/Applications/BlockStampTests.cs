using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Logging;
using StateSave.Host.Applications;

namespace StateSave.Host.Tests.Applications;

public sealed class BlockStampTests
{
    [TestCase(64)]
    [TestCase(512)]
    [TestCase(4096)]
    [TestCase(520)]
    public void A_stamped_block_reads_back_with_its_LBA_generation_and_workload(int length)
    {
        byte[] block = new byte[length];
        BlockStamp.Write(block, 123456789, 42, 7);
        Assert.Multiple(() =>
        {
            Assert.That(BlockStamp.Read(block, out ulong lba, out ulong generation, out uint workload), Is.EqualTo(BlockCheck.Valid));
            Assert.That(lba, Is.EqualTo(123456789UL));
            Assert.That(generation, Is.EqualTo(42UL));
            Assert.That(workload, Is.EqualTo(7u));
            Assert.That(Encoding.ASCII.GetString(block, 0, 8), Is.EqualTo("SSBLOCK1"));
            Assert.That(BinaryPrimitives.ReadUInt64BigEndian(block.AsSpan(8)), Is.EqualTo(123456789UL));
        });
    }

    [Test]
    public void Any_changed_byte_breaks_the_checksum()
    {
        byte[] block = new byte[512];
        for (int i = 32; i < 512; i += 37)
        {
            BlockStamp.Write(block, 5, 9, 1);
            block[i] ^= 0x01;
            Assert.That(BlockStamp.Read(block, out _, out _, out _), Is.EqualTo(BlockCheck.BadChecksum), $"byte {i}");
        }
    }

    [Test]
    public void Different_generations_give_different_content()
    {
        byte[] first = new byte[512];
        byte[] second = new byte[512];
        BlockStamp.Write(first, 5, 1, 1);
        BlockStamp.Write(second, 5, 2, 1);
        Assert.That(first.AsSpan(32, 472).SequenceEqual(second.AsSpan(32, 472)), Is.False);
    }

    [Test]
    public void Zero_and_foreign_blocks_are_told_apart()
    {
        Assert.Multiple(() =>
        {
            Assert.That(BlockStamp.Read(new byte[512], out _, out _, out _), Is.EqualTo(BlockCheck.Zero));
            Assert.That(BlockStamp.Read(Enumerable.Repeat((byte)0xAB, 512).ToArray(), out _, out _, out _), Is.EqualTo(BlockCheck.NotStamped));
            Assert.That(BlockStamp.Read(new byte[32], out _, out _, out _), Is.EqualTo(BlockCheck.NotStamped));
            Assert.Throws<ArgumentException>(() => BlockStamp.Write(new byte[63], 0, 0, 0));
        });
    }

    [Test]
    public void The_latency_histogram_puts_each_latency_in_its_power_of_two_bucket()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(TimeSpan.Zero);
        histogram.Record(TimeSpan.FromMicroseconds(1));
        histogram.Record(TimeSpan.FromMicroseconds(3));
        histogram.Record(TimeSpan.FromMicroseconds(1024));
        histogram.Record(TimeSpan.FromDays(100));
        long[] buckets = histogram.ToSnapshot();
        Assert.Multiple(() =>
        {
            Assert.That(buckets[0], Is.EqualTo(2));
            Assert.That(buckets[1], Is.EqualTo(1));
            Assert.That(buckets[10], Is.EqualTo(1));
            Assert.That(buckets[LatencyHistogram.BucketCount - 1], Is.EqualTo(1));
            Assert.That(LatencyHistogram.UpperBound(10), Is.EqualTo(TimeSpan.FromMicroseconds(2048)));
        });
    }

    [Test]
    public void The_application_log_is_bounded_and_exports_one_UTF8_line_per_entry()
    {
        var time = new FixedTime(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
        var log = new ApplicationLog("app", capacity: 3, time);
        log.Information("one");
        log.Warning("two\nlines");
        log.Error("three");
        log.Write(LogLevel.Debug, "four é");
        log.Information(new string('x', 5000));
        Assert.Multiple(() =>
        {
            Assert.That(log.ToSnapshot().Select(e => e.Message.Length), Is.EqualTo(new[] { 5, 6, ApplicationLog.MaximumMessageLength }));
            Assert.That(log.Overwritten, Is.EqualTo(2));
            string text = Encoding.UTF8.GetString(log.Export());
            Assert.That(text, Does.StartWith("2026-11-26T10:00:00.000Z Error three\n2026-11-26T10:00:00.000Z Debug four é\n2026-11-26T10:00:00.000Z Information xxx"));
            Assert.That(text.Count(c => c == '\n'), Is.EqualTo(3));
        });
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
