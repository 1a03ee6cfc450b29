using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.Reservations;

namespace StateSave.Storage.Copy;

/// <summary>
/// The copy manager of the SCSI target device (SPC-5 §5.17): EXTENDED COPY (LID1) with identification
/// descriptor target descriptors (E4h) and block device to block device segment descriptors (02h), and
/// RECEIVE COPY RESULTS (LID1): COPY STATUS, RECEIVE DATA and OPERATING PARAMETERS.
/// </summary>
/// <remarks>
/// Copies run inside the EXTENDED COPY command, one segment after another, through a bounded buffer. Copy
/// status is kept per I_T nexus and list identifier (the last <see cref="CopyManagerOptions.RetainedResultsPerNexus"/>).
/// Errors: malformed parameter lists are ILLEGAL REQUEST; a target that cannot be reached, a bad target index and
/// a range beyond a device are COPY ABORTED with a segment pointer (SD = 1) and the segment number in
/// COMMAND-SPECIFIC INFORMATION. Each logical unit has its own copy manager (the one EXTENDED COPY and RECEIVE COPY
/// RESULTS are sent to); its copy targets are every logical unit of the SCSI target device.
/// When <see cref="IScsiCommand.Aborted"/> fires, the copy stops and <see cref="OperationCanceledException"/> propagates.
/// </remarks>
public sealed partial class CopyManager
{
    public const byte IdentificationDescriptorTargetDescriptor = 0xe4;
    public const byte BlockToBlockSegmentDescriptor = 0x02;

    // Parameter list header: 0 LIST IDENTIFIER, 1 STR(5) LIST ID USAGE(4-3) PRIORITY(2-0), 2-3 TARGET DESCRIPTOR LIST LENGTH,
    // 8-11 SEGMENT DESCRIPTOR LIST LENGTH, 12-15 INLINE DATA LENGTH.
    private const int HeaderLength = 16;
    private const int TargetDescriptorLength = 32;
    private const int LongTargetDescriptorLength = 64;
    private const int BlockToBlockDescriptorLength = 0x18;
    private const int MaximumDesignatorLength = 20;

    // EXTENDED COPY CDB: 1 SERVICE ACTION, 10-13 PARAMETER LIST LENGTH.
    private const int ParameterListLengthField = 10;

    private readonly ICopyTargetResolver _resolver;
    private readonly CopyManagerOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<ITNexus, List<CopyOperation>> _operations = [];

    public CopyManager(ICopyTargetResolver resolver, CopyManagerOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        _resolver = resolver;
        _options = options ?? new CopyManagerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.TransferSize, 4096, nameof(options));
        _logger = logger ?? NullLogger.Instance;
    }

    public CopyManagerOptions Options => _options;

    /// <summary>I_T nexus loss: the copy status kept for it goes.</summary>
    public void OnNexusLost(ITNexus nexus)
    {
        ArgumentNullException.ThrowIfNull(nexus);
        lock (_lock)
        {
            _operations.Remove(nexus);
        }
    }

    /// <summary>EXTENDED COPY (LID1), THIRD-PARTY COPY OUT service action 00h (SPC-5 §6.4).</summary>
    public async ValueTask<ScsiCommandResult> ExtendedCopyAsync(IScsiCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        ReadOnlySpan<byte> cdb = command.Cdb.Span;
        if (cdb.Length < 16)
        {
            return InvalidCdb(0);
        }

        if ((cdb[1] & 0x1f) != (byte)ThirdPartyCopyOutServiceAction.ExtendedCopyLid1)
        {
            return InvalidCdb(1, 4);
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(cdb[ParameterListLengthField..]);
        if (length == 0)
        {
            return ScsiCommandResult.Good;
        }

        if (length < HeaderLength || length > HeaderLength + _options.MaximumDescriptorListLength)
        {
            return ParameterListLengthError();
        }

        byte[] list = new byte[length];
        if (await ServiceDataTransfer.ReceiveAsync(command, list).ConfigureAwait(false) < list.Length)
        {
            return ParameterListLengthError();
        }

        if (Parse(list, out CopyPlan plan) is { } invalid)
        {
            return invalid;
        }

        CopyOperation? operation = null;
        if (plan.ListIdUsage != ListIdUsageNone)
        {
            lock (_lock)
            {
                List<CopyOperation> operations = OperationsOf(command.Nexus);
                if (operations.Exists(o => o.ListIdentifier == plan.ListIdentifier && o.Status == CopyStatus.InProgress))
                {
                    return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.OperationInProgress));
                }

                operations.RemoveAll(o => o.ListIdentifier == plan.ListIdentifier);
                if (operations.Count >= _options.RetainedResultsPerNexus)
                {
                    operations.RemoveAt(0);
                }

                operation = new CopyOperation(plan.ListIdentifier);
                operations.Add(operation);
            }
        }

        ScsiCommandResult result = await RunAsync(command, plan, operation ?? new CopyOperation(0)).ConfigureAwait(false);
        return result;
    }

    private List<CopyOperation> OperationsOf(ITNexus nexus)
    {
        if (!_operations.TryGetValue(nexus, out List<CopyOperation>? operations))
        {
            operations = [];
            _operations[nexus] = operations;
        }

        return operations;
    }

    private async ValueTask<ScsiCommandResult> RunAsync(IScsiCommand command, CopyPlan plan, CopyOperation operation)
    {
        // Every target descriptor must name a reachable logical unit before anything is copied.
        var devices = new ICopyBlockDevice?[plan.Targets.Count];
        for (int i = 0; i < devices.Length; i++)
        {
            devices[i] = _resolver.Resolve(plan.Targets[i]);
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(_options.TransferSize);
        try
        {
            for (int index = 0; index < plan.Segments.Count; index++)
            {
                BlockSegment segment = plan.Segments[index];
                if (CheckSegment(segment, devices, index) is { } aborted)
                {
                    operation.Finish(CopyStatus.CompletedWithErrors);
                    return aborted;
                }

                try
                {
                    await CopySegmentAsync(segment, devices[segment.SourceIndex]!, devices[segment.DestinationIndex]!, buffer, operation, command.Aborted)
                        .ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (command.Aborted.IsCancellationRequested)
                {
                    // The task was aborted: the copy stops where it is; the transport ends the task.
                    operation.Finish(CopyStatus.CompletedWithErrors);
                    throw;
                }
                catch (IOException exception)
                {
                    CopyLog.CopyFailed(_logger, operation.ListIdentifier, command.Nexus.InitiatorPortName, index, exception);
                    operation.Finish(CopyStatus.CompletedWithErrors);
                    return CopyAborted(AdditionalSenseCode.NoAdditionalSenseInformation, index, 0);
                }

                operation.SegmentCompleted();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        operation.Finish(CopyStatus.Completed);
        CopyLog.CopyCompleted(_logger, operation.ListIdentifier, command.Nexus.InitiatorPortName, plan.Segments.Count, operation.BytesTransferred);
        return ScsiCommandResult.Good;
    }

    // Checks made when the segment is processed: reachable targets (SPC-5 §6.4.3.5) and ranges within each device.
    private ScsiCommandResult? CheckSegment(BlockSegment segment, ICopyBlockDevice?[] devices, int index)
    {
        if (segment.SourceIndex >= devices.Length || devices[segment.SourceIndex] is null)
        {
            return CopyAborted(AdditionalSenseCode.CopyTargetDeviceNotReachable, index, 4);
        }

        if (segment.DestinationIndex >= devices.Length || devices[segment.DestinationIndex] is null)
        {
            return CopyAborted(AdditionalSenseCode.CopyTargetDeviceNotReachable, index, 6);
        }

        ICopyBlockDevice source = devices[segment.SourceIndex]!;
        ICopyBlockDevice destination = devices[segment.DestinationIndex]!;
        if (source.BlockLength != destination.BlockLength)
        {
            return CopyAborted(AdditionalSenseCode.NoAdditionalSenseInformation, index, 6);
        }

        if ((ulong)segment.Blocks * source.BlockLength > _options.MaximumSegmentLength)
        {
            return InvalidParameter(AdditionalSenseCode.InvalidFieldInParameterList, segment.ListOffset + 10);
        }

        if (segment.SourceLogicalBlockAddress > source.BlockCount || source.BlockCount - segment.SourceLogicalBlockAddress < segment.Blocks)
        {
            return CopyAborted(AdditionalSenseCode.NoAdditionalSenseInformation, index, 12);
        }

        if (segment.DestinationLogicalBlockAddress > destination.BlockCount || destination.BlockCount - segment.DestinationLogicalBlockAddress < segment.Blocks)
        {
            return CopyAborted(AdditionalSenseCode.NoAdditionalSenseInformation, index, 20);
        }

        return null;
    }

    private static async ValueTask CopySegmentAsync(BlockSegment segment, ICopyBlockDevice source, ICopyBlockDevice destination, byte[] buffer,
        CopyOperation operation, CancellationToken cancellationToken)
    {
        uint blockLength = source.BlockLength;
        uint blocksPerStep = (uint)(buffer.Length / blockLength);
        ulong sourceStart = segment.SourceLogicalBlockAddress;
        ulong destinationStart = segment.DestinationLogicalBlockAddress;

        // Overlapping ranges on one device with the destination after the source are copied from the end backwards.
        bool backwards = ReferenceEquals(source, destination) && destinationStart > sourceStart && destinationStart < sourceStart + segment.Blocks;
        ulong done = 0;
        while (done < segment.Blocks)
        {
            uint step = (uint)Math.Min(blocksPerStep, segment.Blocks - done);
            ulong offset = backwards ? segment.Blocks - done - step : done;
            Memory<byte> chunk = buffer.AsMemory(0, (int)(step * blockLength));
            await source.ReadAsync(sourceStart + offset, chunk, cancellationToken).ConfigureAwait(false);
            await destination.WriteAsync(destinationStart + offset, chunk, cancellationToken).ConfigureAwait(false);
            done += step;
            operation.AddBytes(chunk.Length);
        }
    }

    private static ScsiCommandResult InvalidCdb(int field, int? bit = null) =>
        ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, field, bit));

    private static ScsiCommandResult InvalidParameter(AdditionalSenseCode code, int field, int? bit = null) =>
        ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(code, field, bit, inCdb: false));

    private static ScsiCommandResult ParameterListLengthError() =>
        ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.ParameterListLengthError, ParameterListLengthField));

    // COPY ABORTED with a segment pointer: SKSV, SD = 1, FIELD POINTER = byte within the segment descriptor.
    private static ScsiCommandResult CopyAborted(AdditionalSenseCode code, int segment, int fieldInSegment) =>
        ScsiCommandResult.CheckCondition(new SenseData(SenseKey.CopyAborted, code) with
        {
            SenseKeySpecific = SenseKeySpecific.FromBytes(0x80 | 0x20, (byte)(fieldInSegment >> 8), (byte)fieldInSegment),
            CommandSpecificInformation = (ulong)segment,
        });
}
