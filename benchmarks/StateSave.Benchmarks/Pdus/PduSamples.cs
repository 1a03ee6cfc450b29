using System.Buffers;
using StateSave.Benchmarks.Infrastructure;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Scsi;

namespace StateSave.Benchmarks.Pdus;

/// <summary>The PDUs the parse and write benchmarks use, each carrying the same data segment.</summary>
internal static class PduSamples
{
    /// <summary>Logical block size assumed by the WRITE(10) CDB.</summary>
    private const int BlockLength = 512;

    /// <summary>A data segment of <paramref name="length"/> pseudo-random bytes (fixed seed).</summary>
    public static byte[] CreateData(int length)
    {
        byte[] data = new byte[length];
        new Random(7143).NextBytes(data);
        return data;
    }

    /// <summary>WRITE(10) with all its data as immediate data (RFC 7143 §11.3.4).</summary>
    public static ScsiCommandPdu Command(ReadOnlySequence<byte> data)
    {
        int blocks = Math.Max(1, (int)data.Length / BlockLength);
        ReadOnlySpan<byte> write10 = [0x2A, 0, 0x00, 0x01, 0x00, 0x00, 0, (byte)(blocks >> 8), (byte)blocks, 0];
        return new ScsiCommandPdu
        {
            Final = true,
            Write = true,
            Attribute = TaskAttribute.Simple,
            Lun = 0x0001_0000_0000_0000,
            InitiatorTaskTag = 0x1000_0001,
            ExpectedDataTransferLength = (uint)data.Length,
            CmdSN = 42,
            ExpStatSN = 17,
            Cdb = new ScsiCdb(write10),
            DataSegment = data,
        };
    }

    /// <summary>The last Data-In of a read, carrying GOOD status (RFC 7143 §11.7.4).</summary>
    public static ScsiDataInPdu DataIn(ReadOnlySequence<byte> data) => new()
    {
        Final = true,
        HasStatus = true,
        Status = ScsiStatus.Good,
        Lun = 0x0001_0000_0000_0000,
        InitiatorTaskTag = 0x1000_0002,
        StatSN = 18,
        ExpCmdSN = 43,
        MaxCmdSN = 74,
        DataSN = 3,
        BufferOffset = 3 * (uint)data.Length,
        DataSegment = data,
    };

    /// <summary>A solicited Data-Out answering an R2T.</summary>
    public static ScsiDataOutPdu DataOut(ReadOnlySequence<byte> data) => new()
    {
        Final = true,
        Lun = 0x0001_0000_0000_0000,
        InitiatorTaskTag = 0x1000_0003,
        TargetTransferTag = 0x0000_0005,
        ExpStatSN = 18,
        DataSN = 0,
        BufferOffset = 0,
        DataSegment = data,
    };

    /// <summary>Encodes <paramref name="pdu"/> into a new array of exactly its wire length.</summary>
    public static byte[] Encode<TPdu>(in TPdu pdu, DigestOptions digests)
        where TPdu : struct, IIscsiPdu<TPdu>
    {
        var writer = new FixedBufferWriter(MaxWireLength((int)pdu.DataSegment.Length));
        IscsiPduWriter.Write(writer, pdu, digests);
        return writer.WrittenMemory.ToArray();
    }

    /// <summary>Upper bound on the wire length of these PDUs (no AHS) with a data segment of <paramref name="dataLength"/>.</summary>
    public static int MaxWireLength(int dataLength) => BasicHeaderSegment.Length + 4 + IscsiPduReader.PaddedLength(dataLength) + 4;
}
