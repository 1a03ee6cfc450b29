using StateSave.Scsi.Server;
using StateSave.Storage.LogicalUnits;

namespace StateSave.Storage.Commands;

/// <summary>
/// One command on its way through a <see cref="BlockLogicalUnit"/>: what handlers need besides the CDB. A value
/// (three references) handed to the handler, so dispatching a command allocates nothing for it.
/// </summary>
public readonly struct CommandContext
{
    internal CommandContext(BlockLogicalUnit logicalUnit, IScsiCommand command, CommandDefinition definition)
    {
        LogicalUnit = logicalUnit;
        Command = command;
        Definition = definition;
    }

    public BlockLogicalUnit LogicalUnit { get; }

    public IScsiCommand Command { get; }

    public CommandDefinition Definition { get; }

    public ReadOnlySpan<byte> Cdb => Command.Cdb.Span;

    public ITNexus Nexus => Command.Nexus;

    public CancellationToken CancellationToken => Command.Aborted;

    /// <summary>Sends parameter data truncated at the ALLOCATION LENGTH (SPC-5 §4.2.5.6).</summary>
    public ValueTask SendDataInAsync(ReadOnlyMemory<byte> data, uint allocationLength)
    {
        int length = (int)Math.Min((uint)data.Length, allocationLength);
        return length == 0 ? ValueTask.CompletedTask : Command.SendDataInAsync(data[..length], CancellationToken);
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with Data-Out; returns fewer bytes only when the initiator sent no more.
    /// One call: the transport fills the whole destination unless the expected data transfer length runs out, and
    /// asking again would count the shortfall twice in the residual overflow.
    /// </summary>
    public ValueTask<int> ReceiveDataOutAsync(Memory<byte> destination) =>
        destination.IsEmpty ? ValueTask.FromResult(0) : Command.ReceiveDataOutAsync(destination, CancellationToken);
}
