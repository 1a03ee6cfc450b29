namespace StateSave.Scsi.Tests;

/// <summary>The encode and decode paths allocate nothing (measured on this thread after a warm-up).</summary>
[NonParallelizable]
public class AllocationTests
{
    private static readonly byte[] FixedSense = Hex.Bytes("70 00 05 00 00 00 00 0A 00 00 00 00 24 00 00 C0 00 02");
    private static readonly byte[] DescriptorSense = Hex.Bytes("72 03 11 00 00 00 00 10 00 0A 80 00 00 00 00 01 00 00 00 00 05 02 00 20");
    private static readonly byte[] Read16 = Hex.Bytes("88 10 00 00 00 01 00 00 00 00 00 00 02 00 C1 00");
    private static readonly byte[] ReportLuns = Hex.Bytes("A0 00 00 00 00 00 00 00 10 00 00 00");
    private readonly byte[] _buffer = new byte[SenseData.MaximumLength];

    private int RoundTrip()
    {
        int total = 0;
        if (SenseData.TryDecode(FixedSense, out SenseData fixedSense))
        {
            total += fixedSense.Encode(_buffer);
        }

        if (SenseData.TryDecode(DescriptorSense, out SenseData descriptorSense))
        {
            total += descriptorSense.Encode(_buffer);
        }

        total += SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, fieldPointer: 2).Encode(_buffer);
        if (new Cdb(Read16).TryDecodeReadWrite(out ReadWriteCdb command, out _))
        {
            total += (int)command.TransferLength;
        }

        if (new Cdb(ReportLuns).TryGetAllocationLength(out uint length))
        {
            total += (int)length;
        }

        if (LogicalUnitNumber.TryRead(FixedSense, out LogicalUnitNumber lun) && lun.TryGetSingleLevel(out int single))
        {
            total += single;
        }

        total += AdditionalSenseCode.InvalidFieldInCdb.Description!.Length;
        return total;
    }

    [Test]
    public void Encode_and_decode_do_not_allocate()
    {
        RoundTrip();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            RoundTrip();
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
