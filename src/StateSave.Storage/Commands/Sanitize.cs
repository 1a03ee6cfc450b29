using System.Buffers;
using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.LogicalUnits;

namespace StateSave.Storage.Commands;

/// <summary>
/// SANITIZE (SBC-4 §5.30): OVERWRITE (parameter data: count, pattern), BLOCK ERASE and CRYPTOGRAPHIC
/// ERASE (deallocate; thin units only), EXIT FAILURE MODE. Parameter list errors are
/// reported as INVALID FIELD IN CDB, as initiators test for. With IMMED the operation runs in the
/// background and other commands get NOT READY, SANITIZE IN PROGRESS with a progress indication.
/// </summary>
internal static class Sanitize
{
    private const CommandFlags Flags = CommandFlags.MediumAccess | CommandFlags.WritesMedium;

    /// <summary>
    /// BLOCK ERASE and CRYPTOGRAPHIC ERASE deallocate, so they exist only with thin provisioning (LBPME),
    /// as initiators check; OVERWRITE and EXIT FAILURE MODE always.
    /// </summary>
    public static IEnumerable<CommandDefinition> Definitions(bool thinProvisioning) => thinProvisioning
        ? [Define(SanitizeServiceAction.Overwrite), Define(SanitizeServiceAction.BlockErase), Define(SanitizeServiceAction.CryptographicErase), Define(SanitizeServiceAction.ExitFailureMode)]
        : [Define(SanitizeServiceAction.Overwrite), Define(SanitizeServiceAction.ExitFailureMode)];

    private static CommandDefinition Define(SanitizeServiceAction action) =>
        new(ScsiOpcode.Sanitize, (ushort)action, [0x48, (byte)(0xa0 | (byte)action), 0, 0, 0, 0, 0, 0xff, 0xff, 0x07], ExecuteAsync, Flags)
        {
            RecommendedTimeoutSeconds = 3600,
        };

    private static async ValueTask<ScsiCommandResult> ExecuteAsync(CommandContext context)
    {
        BlockLogicalUnit logicalUnit = context.LogicalUnit;
        ReadOnlySpan<byte> cdb = context.Cdb;
        bool immediate = (cdb[1] & 0x80) != 0;
        var action = (SanitizeServiceAction)(cdb[1] & 0x1f);
        int length = BinaryPrimitives.ReadUInt16BigEndian(cdb[7..]);
        int blockLength = logicalUnit.BlockLength;

        if (action != SanitizeServiceAction.Overwrite)
        {
            if (length != 0)
            {
                return CommandResults.InvalidFieldInCdb(7);
            }

            if (action == SanitizeServiceAction.ExitFailureMode)
            {
                logicalUnit.Sanitize.ExitFailureMode();
                return ScsiCommandResult.Good;
            }

            return await StartAsync(context, immediate, pattern: null, invert: false, passes: 1).ConfigureAwait(false);
        }

        // OVERWRITE parameter list: 0 INVERT|TEST|OVERWRITE COUNT, 2-3 INITIALIZATION PATTERN LENGTH, 4- pattern.
        if (length <= 4 || length > blockLength + 4)
        {
            return CommandResults.InvalidFieldInCdb(7);
        }

        byte[] list = new byte[length];
        if (await context.ReceiveDataOutAsync(list).ConfigureAwait(false) < length)
        {
            return CommandResults.InvalidFieldInCdb(7);
        }

        int count = list[0] & 0x1f;
        int testBits = (list[0] >> 5) & 0x03;
        int patternLength = BinaryPrimitives.ReadUInt16BigEndian(list.AsSpan(2));
        if (count == 0 || testBits != 0 || patternLength == 0 || patternLength > blockLength || patternLength != length - 4)
        {
            return CommandResults.InvalidFieldInCdb(7);
        }

        return await StartAsync(context, immediate, list.AsMemory(4, patternLength), invert: (list[0] & 0x80) != 0, passes: count).ConfigureAwait(false);
    }

    private static async ValueTask<ScsiCommandResult> StartAsync(CommandContext context, bool immediate, ReadOnlyMemory<byte>? pattern, bool invert, int passes)
    {
        BlockLogicalUnit logicalUnit = context.LogicalUnit;
        if (!logicalUnit.Sanitize.TryBegin())
        {
            return CommandResults.NotReady(AdditionalSenseCode.LogicalUnitNotReadySanitizeInProgress);
        }

        Task<bool> run = RunAsync(logicalUnit, pattern, invert, passes);
        if (immediate)
        {
            _ = run;
            return ScsiCommandResult.Good;
        }

        // An aborted SANITIZE task ends, but the operation itself runs to its end.
        return await run.WaitAsync(context.CancellationToken).ConfigureAwait(false)
            ? ScsiCommandResult.Good
            : ScsiCommandResult.CheckCondition(SenseData.MediumError(AdditionalSenseCode.SanitizeCommandFailed));
    }

    /// <summary>Runs the operation to its end (a sanitize is not stopped by task management, SBC-4 §4.11).</summary>
    private static async Task<bool> RunAsync(BlockLogicalUnit logicalUnit, ReadOnlyMemory<byte>? pattern, bool invert, int passes)
    {
        bool success = false;
        try
        {
            await Task.Yield();
            long started = Environment.TickCount64;
            ulong total = logicalUnit.BlockCount;
            if (pattern is null)
            {
                // BLOCK ERASE, CRYPTOGRAPHIC ERASE: every block deallocated (they exist only with thin provisioning).
                await logicalUnit.Store.UnmapAsync(0, total, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                for (int pass = 0; pass < passes; pass++)
                {
                    // With INVERT the pattern is inverted between consecutive passes; the last pass writes it as given.
                    bool inverted = invert && ((passes - 1 - pass) % 2 == 1);
                    await FillAsync(logicalUnit, pattern.Value, inverted, total, pass, passes).ConfigureAwait(false);
                }
            }

            await logicalUnit.Store.FlushAsync(CancellationToken.None).ConfigureAwait(false);

            // A modelled duration: the unit stays in SANITIZE IN PROGRESS at least this long.
            long remaining = (long)logicalUnit.Options.SanitizeMinimumDuration.TotalMilliseconds - (Environment.TickCount64 - started);
            if (remaining > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(remaining)).ConfigureAwait(false);
            }

            success = true;
        }
#pragma warning disable CA1031 // A failed sanitize puts the unit in sanitize failure mode rather than throwing.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            logicalUnit.OnSanitizeFailed(exception);
        }
        finally
        {
            logicalUnit.Sanitize.Complete(success);
        }

        return success;
    }

    private static async ValueTask FillAsync(BlockLogicalUnit logicalUnit, ReadOnlyMemory<byte> pattern, bool invert, ulong total, int pass, int passes)
    {
        int blockLength = logicalUnit.BlockLength;
        int chunkBlocks = (int)Math.Min((ulong)logicalUnit.BlocksPerChunk, total);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(chunkBlocks * blockLength);
        try
        {
            Span<byte> span = buffer.AsSpan(0, chunkBlocks * blockLength);
            span.Clear();
            if (!pattern.IsEmpty)
            {
                // The pattern repeats from the start of each logical block.
                for (int block = 0; block < chunkBlocks; block++)
                {
                    for (int i = 0; i < blockLength; i += pattern.Length)
                    {
                        pattern.Span[..Math.Min(pattern.Length, blockLength - i)].CopyTo(span[((block * blockLength) + i)..]);
                    }
                }

                if (invert)
                {
                    for (int i = 0; i < span.Length; i++)
                    {
                        span[i] = (byte)~span[i];
                    }
                }
            }

            ulong lba = 0;
            while (lba < total)
            {
                int blocks = (int)Math.Min((ulong)chunkBlocks, total - lba);
                await logicalUnit.Store.WriteAsync(lba, buffer.AsMemory(0, blocks * blockLength), CancellationToken.None).ConfigureAwait(false);
                lba += (ulong)blocks;
                logicalUnit.Sanitize.Report(((ulong)pass * total) + lba, (ulong)passes * total);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
