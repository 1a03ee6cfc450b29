using StateSave.Scsi.InBand;

namespace StateSave.Scsi.Tests.InBand;

/// <summary>The SPC-5 error history directory as hosts and logical units return it.</summary>
public class ErrorHistoryDirectoryTests
{
    [Test]
    public void A_directory_round_trips_and_saturates_lengths_of_4_GiB_or_more()
    {
        byte[] directory = ErrorHistoryDirectory.Encode("STATESAV"u8, 1, 0x13, [(0x10, 0x01, 100), (0x11, 0x02, 5L << 32)]);
        Assert.Multiple(() =>
        {
            Assert.That(directory[..10], Is.EqualTo("STATESAV\u0001\u0013"u8.ToArray()));
            Assert.That(directory[30..32], Is.EqualTo(new byte[] { 0, 16 }));
            Assert.That(ErrorHistoryDirectory.Parse(directory), Is.EqualTo(new[] { ((byte)0x10, (byte)0x01, 100u), ((byte)0x11, (byte)0x02, uint.MaxValue) }));
        });
    }

    [Test]
    public void Non_data_buffer_ids_are_skipped_and_a_short_or_repeating_directory_is_malformed()
    {
        byte[] withSupportedIds = ErrorHistoryDirectory.Encode("X"u8, 1, 0, [(0x00, 0, 40), (0x01, 0, 40), (0x10, 0, 7)]);
        byte[] repeated = ErrorHistoryDirectory.Encode("X"u8, 1, 0, [(0x10, 0, 1), (0x10, 0, 2)]);
        Assert.Multiple(() =>
        {
            Assert.That(ErrorHistoryDirectory.Parse(withSupportedIds), Is.EqualTo(new[] { ((byte)0x10, (byte)0, 7u) }));
            Assert.That(ErrorHistoryDirectory.Parse(repeated), Is.Null);
            Assert.That(ErrorHistoryDirectory.Parse(withSupportedIds.AsSpan(0, 40)), Is.Null);
            Assert.That(ErrorHistoryDirectory.Parse(new byte[31]), Is.Null);
        });
    }
}
