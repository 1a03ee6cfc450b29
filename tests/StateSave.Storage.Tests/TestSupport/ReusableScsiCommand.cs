using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Tests.TestSupport;

/// <summary>
/// An <see cref="IScsiCommand"/> that is reused for command after command and allocates nothing itself: the CDB,
/// Data-Out and Data-In live in buffers made once, and every data transfer completes synchronously, so a test can
/// measure what the device server allocates per command on the calling thread.
/// </summary>
internal sealed class ReusableScsiCommand : IScsiCommand
{
    private readonly byte[] _cdb = new byte[16];
    private readonly byte[] _dataOut;
    private readonly byte[] _dataIn;
    private int _dataOutOffset;

    public ReusableScsiCommand(int maximumTransferBytes, ITNexus? nexus = null, LogicalUnitNumber lun = default)
    {
        _dataOut = new byte[maximumTransferBytes];
        _dataIn = new byte[maximumTransferBytes];
        Nexus = nexus ?? FakeScsiCommand.DefaultNexus;
        Lun = lun;
        Random.Shared.NextBytes(_dataOut);
    }

    public ReadOnlyMemory<byte> Cdb => _cdb;

    public LogicalUnitNumber Lun { get; }

    public TaskAttribute TaskAttribute => TaskAttribute.Simple;

    public ulong TaskTag { get; private set; }

    public ITNexus Nexus { get; }

    public ScsiDataDirection Direction { get; private set; }

    public uint ExpectedDataOutLength { get; private set; }

    public uint ExpectedDataInLength { get; private set; }

    public CancellationToken Aborted => CancellationToken.None;

    /// <summary>Bytes of Data-In sent by the last command.</summary>
    public int DataInLength { get; private set; }

    public ReadOnlySpan<byte> DataIn => _dataIn.AsSpan(0, DataInLength);

    public ReadOnlySpan<byte> DataOut => _dataOut.AsSpan(0, (int)ExpectedDataOutLength);

    /// <summary>Makes this the next READ (10) of <paramref name="blocks"/> blocks at <paramref name="lba"/>.</summary>
    public void PrepareRead10(uint lba, ushort blocks, int blockLength) =>
        Prepare(0x28, lba, blocks, ScsiDataDirection.FromDevice, dataOutLength: 0, dataInLength: (uint)(blocks * blockLength));

    /// <summary>Makes this the next WRITE (10) of <paramref name="blocks"/> blocks at <paramref name="lba"/>.</summary>
    public void PrepareWrite10(uint lba, ushort blocks, int blockLength) =>
        Prepare(0x2a, lba, blocks, ScsiDataDirection.ToDevice, dataOutLength: (uint)(blocks * blockLength), dataInLength: 0);

    public ValueTask<int> ReceiveDataOutAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        int count = Math.Min(destination.Length, (int)ExpectedDataOutLength - _dataOutOffset);
        _dataOut.AsSpan(_dataOutOffset, count).CopyTo(destination.Span);
        _dataOutOffset += count;
        return new ValueTask<int>(count);
    }

    public ValueTask SendDataInAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        data.Span.CopyTo(_dataIn.AsSpan(DataInLength));
        DataInLength += data.Length;
        return ValueTask.CompletedTask;
    }

    public ValueTask SendDataInAsync(IDataInSource source, long sourceOffset, int length, bool completesWithGood, CancellationToken cancellationToken)
    {
        source.Read(sourceOffset, _dataIn.AsSpan(DataInLength, length));
        DataInLength += length;
        return ValueTask.CompletedTask;
    }

    private void Prepare(byte opcode, uint lba, ushort blocks, ScsiDataDirection direction, uint dataOutLength, uint dataInLength)
    {
        Array.Clear(_cdb);
        _cdb[0] = opcode;
        _cdb[2] = (byte)(lba >> 24);
        _cdb[3] = (byte)(lba >> 16);
        _cdb[4] = (byte)(lba >> 8);
        _cdb[5] = (byte)lba;
        _cdb[7] = (byte)(blocks >> 8);
        _cdb[8] = (byte)blocks;
        TaskTag++;
        Direction = direction;
        ExpectedDataOutLength = dataOutLength;
        ExpectedDataInLength = dataInLength;
        _dataOutOffset = 0;
        DataInLength = 0;
    }
}
