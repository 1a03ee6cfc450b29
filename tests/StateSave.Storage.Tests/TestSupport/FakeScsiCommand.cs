using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Storage.Tests.TestSupport;

/// <summary>
/// An in-memory <see cref="IScsiCommand"/>: Data-Out comes from <see cref="DataOut"/>, Data-In is
/// collected in <see cref="DataIn"/> and truncated at <see cref="IScsiCommand.ExpectedDataInLength"/>
/// the way a transport would, recording what was asked for so tests can check residuals.
/// </summary>
internal sealed class FakeScsiCommand : IScsiCommand
{
    public static readonly ITNexus DefaultNexus = new(
        "iqn.2026-11.test:initiator", "iqn.2026-11.test:initiator,i,0x400001370000",
        "iqn.2026-11.test:target", "iqn.2026-11.test:target,t,0x0001", 1, 1);

    private readonly List<byte> _dataIn = [];
    private int _dataOutOffset;

    public FakeScsiCommand(byte[] cdb, byte[]? dataOut = null, uint? expectedDataInLength = null, ITNexus? nexus = null, LogicalUnitNumber lun = default)
    {
        Cdb = cdb;
        DataOut = dataOut ?? [];
        Nexus = nexus ?? DefaultNexus;
        Lun = lun;
        ExpectedDataOutLength = (uint)DataOut.Length;
        ExpectedDataInLength = expectedDataInLength ?? (dataOut is null ? 1u << 24 : 0u);
        Direction = (ExpectedDataOutLength, ExpectedDataInLength) switch
        {
            (0, 0) => ScsiDataDirection.None,
            (0, _) => ScsiDataDirection.FromDevice,
            (_, 0) => ScsiDataDirection.ToDevice,
            _ => ScsiDataDirection.Bidirectional,
        };
    }

    public ReadOnlyMemory<byte> Cdb { get; }

    public LogicalUnitNumber Lun { get; }

    public TaskAttribute TaskAttribute { get; init; } = TaskAttribute.Simple;

    public ulong TaskTag { get; init; } = 1;

    public ITNexus Nexus { get; }

    public ScsiDataDirection Direction { get; }

    public uint ExpectedDataOutLength { get; }

    public uint ExpectedDataInLength { get; init; }

    public CancellationToken Aborted { get; init; }

    public byte[] DataOut { get; }

    /// <summary>The Data-In the initiator would have received (at most ExpectedDataInLength bytes).</summary>
    public byte[] DataIn => [.. _dataIn];

    /// <summary>Every byte the device server asked to send, including any beyond ExpectedDataInLength.</summary>
    public long DataInRequested { get; private set; }

    /// <summary>Every byte of Data-Out the device server asked for, including any beyond ExpectedDataOutLength.</summary>
    public long DataOutRequested { get; private set; }

    public ValueTask<int> ReceiveDataOutAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        DataOutRequested += destination.Length;
        int count = Math.Min(destination.Length, DataOut.Length - _dataOutOffset);
        DataOut.AsSpan(_dataOutOffset, count).CopyTo(destination.Span);
        _dataOutOffset += count;
        return ValueTask.FromResult(count);
    }

    public ValueTask SendDataInAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        DataInRequested += data.Length;
        long room = ExpectedDataInLength - _dataIn.Count;
        if (room > 0)
        {
            _dataIn.AddRange(data.Span[..(int)Math.Min(room, data.Length)]);
        }

        return ValueTask.CompletedTask;
    }
}
