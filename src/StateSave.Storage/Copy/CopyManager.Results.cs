using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.Reservations;

namespace StateSave.Storage.Copy;

// RECEIVE COPY RESULTS (LID1), THIRD-PARTY COPY IN (SPC-5 §6.24-§6.27).
public sealed partial class CopyManager
{
    // CDB: 1 SERVICE ACTION, 2 LIST IDENTIFIER, 10-13 ALLOCATION LENGTH, 15 CONTROL.
    private const int ListIdentifierField = 2;

    /// <summary>RECEIVE COPY RESULTS: COPY STATUS (00h), RECEIVE DATA (01h) and OPERATING PARAMETERS (03h).</summary>
    public async ValueTask<ScsiCommandResult> ReceiveCopyResultsAsync(IScsiCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        ReadOnlySpan<byte> cdb = command.Cdb.Span;
        if (cdb.Length < 16)
        {
            return InvalidCdb(0);
        }

        var serviceAction = (ThirdPartyCopyInServiceAction)(cdb[1] & 0x1f);
        byte listIdentifier = cdb[ListIdentifierField];
        uint allocationLength = BinaryPrimitives.ReadUInt32BigEndian(cdb[10..]);
        byte[] data;
        switch (serviceAction)
        {
            case ThirdPartyCopyInServiceAction.ReceiveCopyOperatingParameters:
                data = OperatingParameters();
                break;

            case ThirdPartyCopyInServiceAction.ReceiveCopyStatusLid1:
                if (Find(command.Nexus, listIdentifier) is not { } operation)
                {
                    return InvalidCdb(ListIdentifierField);
                }

                data = CopyStatusData(operation);
                break;

            // Block to block copies hold no data: AVAILABLE DATA is zero.
            case ThirdPartyCopyInServiceAction.ReceiveCopyDataLid1:
                if (Find(command.Nexus, listIdentifier) is null)
                {
                    return InvalidCdb(ListIdentifierField);
                }

                data = new byte[4];
                break;

            default:
                return InvalidCdb(1, 4);
        }

        await ServiceDataTransfer.SendAsync(command, data, allocationLength).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }

    private CopyOperation? Find(ITNexus nexus, byte listIdentifier)
    {
        lock (_lock)
        {
            return _operations.TryGetValue(nexus, out List<CopyOperation>? operations)
                ? operations.FindLast(o => o.ListIdentifier == listIdentifier)
                : null;
        }
    }

    // 0-3 AVAILABLE DATA (8), 4 HDD(7) COPY MANAGER STATUS(6-0), 5-6 SEGMENTS PROCESSED, 7 TRANSFER COUNT UNITS, 8-11 TRANSFER COUNT.
    private static byte[] CopyStatusData(CopyOperation operation)
    {
        byte[] data = new byte[12];
        data[3] = 8;
        data[4] = (byte)operation.Status;
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(5), (ushort)Math.Min(operation.SegmentsProcessed, ushort.MaxValue));
        long bytes = operation.BytesTransferred;
        byte units = 0;
        while (bytes > uint.MaxValue)
        {
            bytes >>= 10;
            units++;
        }

        data[7] = units; // 00h bytes, 01h kibibytes, 02h mebibytes ...
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(8), (uint)bytes);
        return data;
    }

    // 0-3 AVAILABLE DATA, 4 SNLID(0), 8-9 MAXIMUM TARGET DESCRIPTOR COUNT, 10-11 MAXIMUM SEGMENT DESCRIPTOR COUNT,
    // 12-15 MAXIMUM DESCRIPTOR LIST LENGTH, 16-19 MAXIMUM SEGMENT LENGTH, 20-23 MAXIMUM INLINE DATA LENGTH, 24-27 HELD DATA LIMIT,
    // 28-31 MAXIMUM STREAM DEVICE TRANSFER SIZE, 34-35 TOTAL CONCURRENT COPIES, 36 MAXIMUM CONCURRENT COPIES,
    // 37 DATA SEGMENT GRANULARITY, 38 INLINE DATA GRANULARITY, 39 HELD DATA GRANULARITY, 43 IMPLEMENTED DESCRIPTOR LIST LENGTH,
    // 44- implemented descriptor type codes.
    private byte[] OperatingParameters()
    {
        ReadOnlySpan<byte> implemented = [BlockToBlockSegmentDescriptor, IdentificationDescriptorTargetDescriptor];
        byte[] data = new byte[44 + implemented.Length];
        BinaryPrimitives.WriteUInt32BigEndian(data, (uint)(data.Length - 4));
        data[4] = 0x01;
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(8), _options.MaximumTargetDescriptorCount);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(10), _options.MaximumSegmentDescriptorCount);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(12), _options.MaximumDescriptorListLength);
        BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(16), _options.MaximumSegmentLength);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(34), 1);
        data[36] = 1;
        data[43] = (byte)implemented.Length;
        implemented.CopyTo(data.AsSpan(44));
        return data;
    }
}
