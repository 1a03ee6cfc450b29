using System.Buffers;

namespace StateSave.Target.InBand;

/// <summary>Where the buffer data of a State Save answer goes as it arrives (in order, already checked).</summary>
public interface IStateSaveDataSink
{
    /// <summary>
    /// Takes <paramref name="data"/>, which starts at <paramref name="bufferOffset"/> of the buffer. The memory is the
    /// connection's receive buffer: valid only until the returned task completes. The connection waits for it.
    /// </summary>
    ValueTask WriteAsync(ulong bufferOffset, ReadOnlySequence<byte> data, CancellationToken cancellationToken);
}
