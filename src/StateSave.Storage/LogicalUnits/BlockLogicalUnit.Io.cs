using System.Buffers;
using System.Runtime.CompilerServices;
using StateSave.Scsi.Server;
using StateSave.Storage.Commands;

namespace StateSave.Storage.LogicalUnits;

/// <summary>Moving logical blocks between the store and the transport in bounded pooled chunks.</summary>
public sealed partial class BlockLogicalUnit
{
    /// <summary>Largest buffer one transfer step uses (the rest streams through it).</summary>
    internal const int TransferChunkBytes = 1 << 20;

    /// <summary>True when [<paramref name="logicalBlockAddress"/>, +<paramref name="blockCount"/>) lies within the capacity.</summary>
    internal bool IsInRange(ulong logicalBlockAddress, ulong blockCount) =>
        logicalBlockAddress <= BlockCount && blockCount <= BlockCount - logicalBlockAddress;

    internal int BlocksPerChunk => TransferChunkBytes / BlockLength;

    /// <summary>
    /// Reads the blocks and sends them as Data-In. A store that can read synchronously (<see cref="IDataInSource"/>)
    /// copies straight into the transport's send buffers; <paramref name="completesWithGood"/> says the command
    /// returns GOOD right after, so the transport may send that status with the last Data-In.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    internal async ValueTask ReadToDataInAsync(CommandContext context, ulong logicalBlockAddress, ulong blockCount, bool completesWithGood = false)
    {
        if (blockCount == 0)
        {
            return;
        }

        if (Store is IDataInSource source && blockCount * (ulong)BlockLength <= int.MaxValue)
        {
            await context.Command.SendDataInAsync(source, (long)(logicalBlockAddress * (ulong)BlockLength),
                (int)(blockCount * (ulong)BlockLength), completesWithGood, context.CancellationToken).ConfigureAwait(false);
            return;
        }

        int chunkBlocks = (int)Math.Min((ulong)BlocksPerChunk, blockCount);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(chunkBlocks * BlockLength);
        try
        {
            while (blockCount > 0)
            {
                int blocks = (int)Math.Min((ulong)chunkBlocks, blockCount);
                Memory<byte> chunk = buffer.AsMemory(0, blocks * BlockLength);
                await Store.ReadAsync(logicalBlockAddress, chunk, context.CancellationToken).ConfigureAwait(false);
                await context.Command.SendDataInAsync(chunk, context.CancellationToken).ConfigureAwait(false);
                logicalBlockAddress += (ulong)blocks;
                blockCount -= (ulong)blocks;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Receives Data-Out and writes it, chunk by chunk, under the range lock. When the initiator sends less
    /// than the blocks announced (iSCSI expected data transfer length below the SCSI transfer length) only
    /// the whole blocks received are written; the transport reports the residual.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    internal async ValueTask WriteFromDataOutAsync(CommandContext context, ulong logicalBlockAddress, ulong blockCount, bool forceUnitAccess)
    {
        if (blockCount == 0)
        {
            return;
        }

        using LbaRangeLease range = await RangeLock.AcquireAsync(logicalBlockAddress, blockCount, context.CancellationToken).ConfigureAwait(false);
        int chunkBlocks = (int)Math.Min((ulong)BlocksPerChunk, blockCount);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(chunkBlocks * BlockLength);
        try
        {
            while (blockCount > 0)
            {
                int blocks = (int)Math.Min((ulong)chunkBlocks, blockCount);
                Memory<byte> chunk = buffer.AsMemory(0, blocks * BlockLength);
                int received = await context.ReceiveDataOutAsync(chunk).ConfigureAwait(false);
                int wholeBlocks = received / BlockLength;
                context.CancellationToken.ThrowIfCancellationRequested();
                if (wholeBlocks > 0)
                {
                    await Store.WriteAsync(logicalBlockAddress, chunk[..(wholeBlocks * BlockLength)], context.CancellationToken).ConfigureAwait(false);
                }

                if (wholeBlocks < blocks)
                {
                    // The initiator sent less than the CDB announced: the rest is asked for anyway (it returns at
                    // once with nothing) so the transport reports the whole shortfall as the residual overflow.
                    ulong remaining = blockCount - (ulong)blocks;
                    while (remaining > 0)
                    {
                        int more = (int)Math.Min((ulong)chunkBlocks, remaining);
                        await context.ReceiveDataOutAsync(buffer.AsMemory(0, more * BlockLength)).ConfigureAwait(false);
                        remaining -= (ulong)more;
                    }

                    break;
                }

                logicalBlockAddress += (ulong)blocks;
                blockCount -= (ulong)blocks;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await FlushIfRequiredAsync(forceUnitAccess, context.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>FUA, or a disabled write cache, makes a write durable before GOOD (SBC-4 §4.15).</summary>
    internal ValueTask FlushIfRequiredAsync(bool forceUnitAccess, CancellationToken cancellationToken) =>
        forceUnitAccess || !ModeParameters.WriteCacheEnabled ? Store.FlushAsync(cancellationToken) : ValueTask.CompletedTask;

    /// <summary>Receives exactly <paramref name="length"/> bytes of Data-Out into pooled memory (the caller checked the length against a limit).</summary>
    internal static async ValueTask<(IMemoryOwner<byte> Owner, int Received)> ReceiveBufferAsync(CommandContext context, int length)
    {
        IMemoryOwner<byte> owner = MemoryPool<byte>.Shared.Rent(Math.Max(1, length));
        try
        {
            int received = await context.ReceiveDataOutAsync(owner.Memory[..length]).ConfigureAwait(false);
            return (owner, received);
        }
        catch
        {
            owner.Dispose();
            throw;
        }
    }
}
