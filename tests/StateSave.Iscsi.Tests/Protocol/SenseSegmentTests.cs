using System.Buffers;
using StateSave.Iscsi.Protocol;
using StateSave.Scsi;

namespace StateSave.Iscsi.Tests.Protocol;

/// <summary>The SenseLength + sense data segment (RFC 7143 §11.4.7.1) shared by SCSI Response, async events and State Save Data.</summary>
public class SenseSegmentTests
{
    [Test]
    public void A_segment_made_from_sense_data_decodes_back()
    {
        SenseData sense = SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, 2);
        byte[] segment = SenseSegment.ToArray(sense);
        Assert.Multiple(() =>
        {
            Assert.That(segment[..2], Is.EqualTo(new byte[] { 0, 18 }), "SenseLength of fixed-format sense");
            Assert.That(SenseSegment.TryDecode(new ReadOnlySequence<byte>(segment), out SenseData decoded), Is.True);
            Assert.That((decoded.SenseKey, decoded.AdditionalSenseCode), Is.EqualTo((SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb)));
        });
    }

    [Test]
    public void A_SenseLength_past_the_segment_is_refused_and_what_follows_the_sense_is_kept_apart()
    {
        byte[] segment = [0, 3, 0x70, 0, 5, 0xaa, 0xbb];
        Assert.Multiple(() =>
        {
            Assert.That(SenseSegment.TrySplit(new ReadOnlySequence<byte>(segment), out ReadOnlySequence<byte> sense, out ReadOnlySequence<byte> rest), Is.True);
            Assert.That(sense.ToArray(), Is.EqualTo(new byte[] { 0x70, 0, 5 }));
            Assert.That(rest.ToArray(), Is.EqualTo(new byte[] { 0xaa, 0xbb }));
            Assert.That(SenseSegment.TrySplit(new ReadOnlySequence<byte>([0, 9, 0x70]), out _, out _), Is.False);
            Assert.That(SenseSegment.TrySplit(new ReadOnlySequence<byte>([0]), out _, out _), Is.False);
            Assert.That(SenseSegment.TrySplit(ReadOnlySequence<byte>.Empty, out ReadOnlySequence<byte> none, out _) && none.IsEmpty, Is.True);
            Assert.That(SenseSegment.TryDecode(new ReadOnlySequence<byte>([0, 9, 0x70]), out _), Is.False);
        });
    }
}
