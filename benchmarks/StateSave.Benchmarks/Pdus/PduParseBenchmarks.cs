using System.Buffers;
using BenchmarkDotNet.Attributes;
using StateSave.Benchmarks.Infrastructure;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;

namespace StateSave.Benchmarks.Pdus;

/// <summary>
/// Framing (<see cref="IscsiPduReader.TryRead"/>, digests checked when in force) plus the typed decode
/// (<see cref="IscsiPdu.As{TPdu}"/>) of one pre-encoded PDU per operation. The data segment stays a slice of the
/// input: nothing is copied, and nothing should be allocated.
/// </summary>
[MemoryDiagnoser]
public class PduParseBenchmarks
{
    /// <summary>Bytes in the first segment of the multi-segment variant: the BHS straddles two segments.</summary>
    private const int FirstSegmentLength = 32;

    /// <summary>Segment size of the multi-segment variant after the first (the default Pipe segment size).</summary>
    private const int SegmentLength = 4096;

    private ReadOnlySequence<byte> _command;
    private ReadOnlySequence<byte> _dataIn;
    private ReadOnlySequence<byte> _dataOut;
    private ReadOnlySequence<byte> _dataOutMultiSegment;
    private PduReaderOptions _options;

    [Params(512, 4096, 65536, 262144)]
    public int DataSegmentLength { get; set; }

    [Params(DigestOptions.None, DigestOptions.Both)]
    public DigestOptions Digests { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var data = new ReadOnlySequence<byte>(PduSamples.CreateData(DataSegmentLength));
        _options = new PduReaderOptions { Digests = Digests, MaxRecvDataSegmentLength = DataSegmentLength };
        _command = new ReadOnlySequence<byte>(PduSamples.Encode(PduSamples.Command(data), Digests));
        _dataIn = new ReadOnlySequence<byte>(PduSamples.Encode(PduSamples.DataIn(data), Digests));
        byte[] dataOut = PduSamples.Encode(PduSamples.DataOut(data), Digests);
        _dataOut = new ReadOnlySequence<byte>(dataOut);
        _dataOutMultiSegment = ChunkedSequence.Create(dataOut, FirstSegmentLength, SegmentLength);

        // Check once that every input parses to the full data segment, so the benchmarks measure success paths.
        foreach (long parsed in new[] { ScsiCommand(), ScsiDataIn(), ScsiDataOut(), ScsiDataOutMultiSegment() })
        {
            if (parsed != DataSegmentLength)
            {
                throw new InvalidOperationException($"A sample PDU parsed to a data segment of {parsed} bytes, not {DataSegmentLength}.");
            }
        }
    }

    /// <summary>SCSI Command (WRITE(10)) with immediate data.</summary>
    [Benchmark]
    public long ScsiCommand()
    {
        ReadOnlySequence<byte> buffer = _command;
        if (!IscsiPduReader.TryRead(ref buffer, _options, out IscsiPdu pdu))
        {
            throw Incomplete();
        }

        ScsiCommandPdu command = pdu.As<ScsiCommandPdu>();
        return command.DataSegment.Length + buffer.Length + (command.Cdb.OperationCode == 0x2A ? 0 : 1);
    }

    /// <summary>SCSI Data-In with status.</summary>
    [Benchmark]
    public long ScsiDataIn()
    {
        ReadOnlySequence<byte> buffer = _dataIn;
        if (!IscsiPduReader.TryRead(ref buffer, _options, out IscsiPdu pdu))
        {
            throw Incomplete();
        }

        ScsiDataInPdu dataIn = pdu.As<ScsiDataInPdu>();
        return dataIn.DataSegment.Length + buffer.Length + (dataIn.HasStatus ? 0 : 1);
    }

    /// <summary>SCSI Data-Out.</summary>
    [Benchmark]
    public long ScsiDataOut()
    {
        ReadOnlySequence<byte> buffer = _dataOut;
        if (!IscsiPduReader.TryRead(ref buffer, _options, out IscsiPdu pdu))
        {
            throw Incomplete();
        }

        ScsiDataOutPdu dataOut = pdu.As<ScsiDataOutPdu>();
        return dataOut.DataSegment.Length + buffer.Length + (dataOut.Final ? 0 : 1);
    }

    /// <summary>
    /// SCSI Data-Out from a multi-segment buffer as a Pipe delivers it: a 32-byte first segment (so the BHS is
    /// copied to the stack) and 4 KiB segments after it (so the data digest and the slice span segments).
    /// </summary>
    [Benchmark]
    public long ScsiDataOutMultiSegment()
    {
        ReadOnlySequence<byte> buffer = _dataOutMultiSegment;
        if (!IscsiPduReader.TryRead(ref buffer, _options, out IscsiPdu pdu))
        {
            throw Incomplete();
        }

        ScsiDataOutPdu dataOut = pdu.As<ScsiDataOutPdu>();
        return dataOut.DataSegment.Length + buffer.Length + (dataOut.Final ? 0 : 1);
    }

    private static InvalidOperationException Incomplete() => new("The pre-encoded PDU did not frame.");
}
