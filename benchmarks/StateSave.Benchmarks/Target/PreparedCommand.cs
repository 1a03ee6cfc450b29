using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;

namespace StateSave.Benchmarks.Target;

/// <summary>
/// A SCSI Command PDU (RFC 7143 §11.3) encoded once, immediate data included. Each send patches the Initiator Task
/// Tag, CmdSN and ExpStatSN in place and copies the bytes into the pipe: nothing is allocated per command.
/// </summary>
internal sealed class PreparedCommand
{
    // BHS offsets of the fields patched per send (RFC 7143 §11.3).
    private const int InitiatorTaskTagOffset = 16;
    private const int CmdSNOffset = 24;
    private const int ExpStatSNOffset = 28;

    private readonly byte[] _bytes;

    public PreparedCommand(in ScsiCommandPdu command)
    {
        var writer = new ArrayBufferWriter<byte>();
        IscsiPduWriter.Write(writer, command);
        _bytes = writer.WrittenSpan.ToArray();
    }

    /// <summary>READ(10) (SBC-4 §5.14) of <paramref name="blocks"/> blocks at <paramref name="logicalBlockAddress"/>.</summary>
    public static PreparedCommand Read10(uint logicalBlockAddress, ushort blocks, int blockLength) =>
        new(new ScsiCommandPdu
        {
            Read = true,
            ExpectedDataTransferLength = (uint)(blocks * blockLength),
            Cdb = new ScsiCdb(ReadWrite10Cdb(0x28, logicalBlockAddress, blocks)),
        });

    /// <summary>
    /// WRITE(10) (SBC-4 §5.40) of <paramref name="data"/> at <paramref name="logicalBlockAddress"/>, carrying all of it as
    /// immediate data when <paramref name="immediate"/>, none of it otherwise (the target solicits it with R2Ts).
    /// </summary>
    public static PreparedCommand Write10(uint logicalBlockAddress, byte[] data, int blockLength, bool immediate) =>
        new(new ScsiCommandPdu
        {
            Write = true,
            ExpectedDataTransferLength = (uint)data.Length,
            Cdb = new ScsiCdb(ReadWrite10Cdb(0x2a, logicalBlockAddress, (ushort)(data.Length / blockLength))),
            DataSegment = immediate ? new ReadOnlySequence<byte>(data) : default,
        });

    /// <summary>TEST UNIT READY (SPC-5 §6.47): takes the unit attention a new I_T nexus gets.</summary>
    public static PreparedCommand TestUnitReady() => new(new ScsiCommandPdu { Cdb = new ScsiCdb([0x00, 0, 0, 0, 0, 0]) });

    /// <summary>Copies the PDU into <paramref name="output"/> with these sequence numbers (not flushed).</summary>
    public void WriteTo(PipeWriter output, uint initiatorTaskTag, uint cmdSN, uint expStatSN)
    {
        Span<byte> bhs = _bytes;
        BinaryPrimitives.WriteUInt32BigEndian(bhs[InitiatorTaskTagOffset..], initiatorTaskTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[CmdSNOffset..], cmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpStatSNOffset..], expStatSN);
        output.Write(_bytes);
    }

    // READ(10)/WRITE(10): opcode, flags, LBA (bytes 2-5), group, TRANSFER LENGTH (bytes 7-8), control.
    private static byte[] ReadWrite10Cdb(byte opcode, uint logicalBlockAddress, ushort blocks)
    {
        byte[] cdb = new byte[10];
        cdb[0] = opcode;
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(2), logicalBlockAddress);
        BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(7), blocks);
        return cdb;
    }
}
