using System.Buffers;
using BenchmarkDotNet.Attributes;
using StateSave.Benchmarks.Infrastructure;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;

namespace StateSave.Benchmarks.Pdus;

/// <summary>
/// <see cref="IscsiPduWriter.Write{TPdu}"/> of one typed PDU per operation into a pre-allocated, rewound
/// <see cref="FixedBufferWriter"/>: header encode, the data segment copied from a pre-allocated array, padding
/// and digests when in force. The writer never allocates, so the Allocated column is the encoder's alone.
/// </summary>
[MemoryDiagnoser]
public class PduWriteBenchmarks
{
    private FixedBufferWriter _writer = null!;
    private ScsiCommandPdu _command;
    private ScsiDataInPdu _dataIn;
    private ScsiDataOutPdu _dataOut;

    [Params(512, 4096, 65536, 262144)]
    public int DataSegmentLength { get; set; }

    [Params(DigestOptions.None, DigestOptions.Both)]
    public DigestOptions Digests { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var data = new ReadOnlySequence<byte>(PduSamples.CreateData(DataSegmentLength));
        _writer = new FixedBufferWriter(PduSamples.MaxWireLength(DataSegmentLength));
        _command = PduSamples.Command(data);
        _dataIn = PduSamples.DataIn(data);
        _dataOut = PduSamples.DataOut(data);

        // Check once that what is written reads back as the same PDU with the same data.
        var options = new PduReaderOptions { Digests = Digests, MaxRecvDataSegmentLength = DataSegmentLength };
        foreach (Func<int> write in new Func<int>[] { ScsiCommand, ScsiDataIn, ScsiDataOut })
        {
            int written = write();
            var buffer = new ReadOnlySequence<byte>(_writer.WrittenMemory);
            if (!IscsiPduReader.TryRead(ref buffer, options, out IscsiPdu pdu) || !buffer.IsEmpty || pdu.WireLength != written
                || !pdu.DataSegment.ToArray().AsSpan().SequenceEqual(data.FirstSpan))
            {
                throw new InvalidOperationException($"The {write.Method.Name} PDU written does not read back.");
            }
        }
    }

    /// <summary>SCSI Command (WRITE(10)) with immediate data.</summary>
    [Benchmark]
    public int ScsiCommand()
    {
        _writer.Reset();
        return IscsiPduWriter.Write(_writer, _command, Digests);
    }

    /// <summary>SCSI Data-In with status.</summary>
    [Benchmark]
    public int ScsiDataIn()
    {
        _writer.Reset();
        return IscsiPduWriter.Write(_writer, _dataIn, Digests);
    }

    /// <summary>SCSI Data-Out.</summary>
    [Benchmark]
    public int ScsiDataOut()
    {
        _writer.Reset();
        return IscsiPduWriter.Write(_writer, _dataOut, Digests);
    }
}
