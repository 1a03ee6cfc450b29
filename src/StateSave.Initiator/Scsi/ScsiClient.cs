using System.Buffers.Binary;
using StateSave.Initiator.Commands;
using StateSave.Initiator.Sessions;
using StateSave.Scsi;

namespace StateSave.Initiator.Scsi;

/// <summary>
/// A typed SCSI client for one logical unit of a session. Block I/O (READ/WRITE 10/16, TEST UNIT READY, raw CDBs)
/// returns the <see cref="ScsiCommandResponse"/> and allocates nothing; the informational commands parse their
/// data and throw <see cref="ScsiCommandException"/> when the status is not GOOD.
/// </summary>
public sealed class ScsiClient
{
    private const ushort InquiryAllocation = 255;

    public ScsiClient(IscsiSession session, LogicalUnitNumber lun)
    {
        ArgumentNullException.ThrowIfNull(session);
        Session = session;
        Lun = lun;
    }

    public IscsiSession Session { get; }

    public LogicalUnitNumber Lun { get; }

    /// <summary>Sends any CDB (1-16 bytes) with optional Data-In or Data-Out buffer.</summary>
    public ValueTask<ScsiCommandResponse> ExecuteAsync(ReadOnlySpan<byte> cdb, Memory<byte> dataIn = default, ReadOnlyMemory<byte> dataOut = default,
        CancellationToken cancellationToken = default) =>
        Session.ExecuteAsync(new ScsiCommand(Lun, cdb) { DataIn = dataIn, DataOut = dataOut }, cancellationToken);

    public ValueTask<ScsiCommandResponse> TestUnitReadyAsync(CancellationToken cancellationToken = default)
    {
        Span<byte> cdb = stackalloc byte[6];
        return ExecuteAsync(cdb[..CdbBuilder.TestUnitReady(cdb)], cancellationToken: cancellationToken);
    }

    public ValueTask<ScsiCommandResponse> Read10Async(uint logicalBlockAddress, ushort blocks, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        Span<byte> cdb = stackalloc byte[10];
        return ExecuteAsync(cdb[..CdbBuilder.Read10(cdb, logicalBlockAddress, blocks)], destination, cancellationToken: cancellationToken);
    }

    public ValueTask<ScsiCommandResponse> Write10Async(uint logicalBlockAddress, ushort blocks, ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        Span<byte> cdb = stackalloc byte[10];
        return ExecuteAsync(cdb[..CdbBuilder.Write10(cdb, logicalBlockAddress, blocks)], dataOut: source, cancellationToken: cancellationToken);
    }

    public ValueTask<ScsiCommandResponse> Read16Async(ulong logicalBlockAddress, uint blocks, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        Span<byte> cdb = stackalloc byte[16];
        return ExecuteAsync(cdb[..CdbBuilder.Read16(cdb, logicalBlockAddress, blocks)], destination, cancellationToken: cancellationToken);
    }

    public ValueTask<ScsiCommandResponse> Write16Async(ulong logicalBlockAddress, uint blocks, ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        Span<byte> cdb = stackalloc byte[16];
        return ExecuteAsync(cdb[..CdbBuilder.Write16(cdb, logicalBlockAddress, blocks)], dataOut: source, cancellationToken: cancellationToken);
    }

    public ValueTask<ScsiCommandResponse> SynchronizeCacheAsync(uint logicalBlockAddress = 0, ushort blocks = 0, CancellationToken cancellationToken = default)
    {
        Span<byte> cdb = stackalloc byte[10];
        return ExecuteAsync(cdb[..CdbBuilder.SynchronizeCache10(cdb, logicalBlockAddress, blocks, immediate: false)], cancellationToken: cancellationToken);
    }

    /// <summary>REQUEST SENSE; the sense data returned (null when the LU reports none, i.e. NO SENSE without ASC).</summary>
    public async Task<StateSave.Scsi.SenseData?> RequestSenseAsync(bool descriptorFormat = false, CancellationToken cancellationToken = default)
    {
        byte[] buffer = new byte[252];
        ScsiCommandResponse response = await Run("REQUEST SENSE", c => CdbBuilder.RequestSense(c, descriptorFormat, 252), buffer, cancellationToken).ConfigureAwait(false);
        return StateSave.Scsi.SenseData.TryDecode(buffer.AsSpan(0, response.DataInLength), out StateSave.Scsi.SenseData sense) ? sense : null;
    }

    public async Task<StandardInquiryData> InquiryAsync(CancellationToken cancellationToken = default)
    {
        byte[] buffer = new byte[InquiryAllocation];
        ScsiCommandResponse response = await Run("INQUIRY", c => CdbBuilder.Inquiry(c, false, 0, InquiryAllocation), buffer, cancellationToken).ConfigureAwait(false);
        return StandardInquiryData.Parse(buffer.AsSpan(0, response.DataInLength));
    }

    /// <summary>A VPD page as returned (header included).</summary>
    public async Task<byte[]> InquiryVpdAsync(byte pageCode, ushort allocationLength = 1024, CancellationToken cancellationToken = default)
    {
        byte[] buffer = new byte[allocationLength];
        ScsiCommandResponse response = await Run($"INQUIRY VPD {pageCode:x2}h", c => CdbBuilder.Inquiry(c, true, pageCode, allocationLength), buffer,
            cancellationToken).ConfigureAwait(false);
        if (response.DataInLength < 4 || buffer[1] != pageCode)
        {
            throw new ScsiCommandException($"INQUIRY VPD {pageCode:x2}h returned page {(response.DataInLength > 1 ? buffer[1] : 0):x2}h ({response.DataInLength} bytes).");
        }

        return buffer[..response.DataInLength];
    }

    /// <summary>Supported VPD Pages (00h).</summary>
    public async Task<IReadOnlyList<byte>> SupportedVpdPagesAsync(CancellationToken cancellationToken = default)
    {
        byte[] page = await InquiryVpdAsync(0x00, cancellationToken: cancellationToken).ConfigureAwait(false);
        int length = Math.Min(page.Length - 4, BinaryPrimitives.ReadUInt16BigEndian(page.AsSpan(2)));
        return page.AsSpan(4, length).ToArray();
    }

    /// <summary>Unit Serial Number (80h).</summary>
    public async Task<string> UnitSerialNumberAsync(CancellationToken cancellationToken = default)
    {
        byte[] page = await InquiryVpdAsync(0x80, cancellationToken: cancellationToken).ConfigureAwait(false);
        int length = Math.Min(page.Length - 4, BinaryPrimitives.ReadUInt16BigEndian(page.AsSpan(2)));
        return StandardInquiryData.Ascii(page.AsSpan(4, length));
    }

    /// <summary>Device Identification (83h): NAA, target port group, relative target port, name strings ...</summary>
    public async Task<IReadOnlyList<Designator>> DeviceIdentificationAsync(CancellationToken cancellationToken = default) =>
        Designator.ParsePage(await InquiryVpdAsync(0x83, cancellationToken: cancellationToken).ConfigureAwait(false));

    public async Task<IReadOnlyList<LogicalUnitNumber>> ReportLunsAsync(byte selectReport = 0, CancellationToken cancellationToken = default)
    {
        byte[] buffer = new byte[8 + (8 * 512)];
        ScsiCommandResponse response = await Run("REPORT LUNS", c => CdbBuilder.ReportLuns(c, selectReport, (uint)buffer.Length), buffer, cancellationToken)
            .ConfigureAwait(false);
        int listLength = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(buffer), (uint)(response.DataInLength - 8));
        var luns = new List<LogicalUnitNumber>(listLength / 8);
        for (int offset = 8; offset + 8 <= 8 + listLength; offset += 8)
        {
            luns.Add(new LogicalUnitNumber(BinaryPrimitives.ReadUInt64BigEndian(buffer.AsSpan(offset))));
        }

        return luns;
    }

    public async Task<ReadCapacityData> ReadCapacity10Async(CancellationToken cancellationToken = default)
    {
        byte[] buffer = new byte[8];
        await Run("READ CAPACITY (10)", CdbBuilder.ReadCapacity10, buffer, cancellationToken).ConfigureAwait(false);
        return new ReadCapacityData(BinaryPrimitives.ReadUInt32BigEndian(buffer), BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(4)), false, 0, false, false, 0);
    }

    public async Task<ReadCapacityData> ReadCapacity16Async(CancellationToken cancellationToken = default)
    {
        byte[] buffer = new byte[32];
        await Run("READ CAPACITY (16)", c => CdbBuilder.ReadCapacity16(c, 32), buffer, cancellationToken).ConfigureAwait(false);
        return new ReadCapacityData(BinaryPrimitives.ReadUInt64BigEndian(buffer), BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(8)),
            (buffer[12] & 0x01) != 0, (byte)(buffer[13] & 0x0F), (buffer[14] & 0x80) != 0, (buffer[14] & 0x40) != 0,
            (ushort)(((buffer[14] & 0x3F) << 8) | buffer[15]));
    }

    /// <summary>MODE SENSE (10); the parameter data as returned (mode parameter header included).</summary>
    public async Task<byte[]> ModeSenseAsync(byte pageCode, byte subpageCode = 0, byte pageControl = 0, bool disableBlockDescriptors = true,
        CancellationToken cancellationToken = default)
    {
        byte[] buffer = new byte[4096];
        ScsiCommandResponse response = await Run("MODE SENSE (10)",
            c => CdbBuilder.ModeSense10(c, pageCode, subpageCode, pageControl, disableBlockDescriptors, (ushort)buffer.Length), buffer, cancellationToken)
            .ConfigureAwait(false);
        return buffer[..response.DataInLength];
    }

    public async Task<PersistentReserveKeys> PersistentReserveReadKeysAsync(CancellationToken cancellationToken = default)
    {
        byte[] buffer = new byte[8 + (8 * 256)];
        ScsiCommandResponse response = await Run("PERSISTENT RESERVE IN (READ KEYS)",
            c => CdbBuilder.PersistentReserveIn(c, PersistentReserveInServiceAction.ReadKeys, (ushort)buffer.Length), buffer, cancellationToken).ConfigureAwait(false);
        uint generation = BinaryPrimitives.ReadUInt32BigEndian(buffer);
        int length = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(4)), (uint)Math.Max(0, response.DataInLength - 8));
        var keys = new List<ulong>(length / 8);
        for (int offset = 8; offset + 8 <= 8 + length; offset += 8)
        {
            keys.Add(BinaryPrimitives.ReadUInt64BigEndian(buffer.AsSpan(offset)));
        }

        return new PersistentReserveKeys(generation, keys);
    }

    public async Task<PersistentReservation> PersistentReserveReadReservationAsync(CancellationToken cancellationToken = default)
    {
        byte[] buffer = new byte[24];
        ScsiCommandResponse response = await Run("PERSISTENT RESERVE IN (READ RESERVATION)",
            c => CdbBuilder.PersistentReserveIn(c, PersistentReserveInServiceAction.ReadReservation, (ushort)buffer.Length), buffer, cancellationToken)
            .ConfigureAwait(false);
        uint generation = BinaryPrimitives.ReadUInt32BigEndian(buffer);
        uint length = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(4));
        if (length < 16 || response.DataInLength < 24)
        {
            return new PersistentReservation(generation, null, PersistentReservationType.None, 0);
        }

        return new PersistentReservation(generation, BinaryPrimitives.ReadUInt64BigEndian(buffer.AsSpan(8)), (PersistentReservationType)(buffer[21] & 0x0F),
            (byte)(buffer[21] >> 4));
    }

    /// <summary>PERSISTENT RESERVE OUT with the basic parameter list (SPC-5 §6.17.3); throws unless GOOD.</summary>
    public async Task PersistentReserveOutAsync(PersistentReserveOutServiceAction serviceAction, ulong reservationKey, ulong serviceActionReservationKey,
        PersistentReservationType type = PersistentReservationType.None, bool activatePersistThroughPowerLoss = false, CancellationToken cancellationToken = default)
    {
        byte[] parameters = new byte[24];
        BinaryPrimitives.WriteUInt64BigEndian(parameters, reservationKey);
        BinaryPrimitives.WriteUInt64BigEndian(parameters.AsSpan(8), serviceActionReservationKey);
        parameters[20] = activatePersistThroughPowerLoss ? (byte)0x01 : (byte)0;
        byte[] cdb = new byte[10];
        CdbBuilder.PersistentReserveOut(cdb, serviceAction, type, (uint)parameters.Length);
        ScsiCommandResponse response = await ExecuteAsync(cdb, dataOut: parameters, cancellationToken: cancellationToken).ConfigureAwait(false);
        Check($"PERSISTENT RESERVE OUT ({serviceAction})", response);
    }

    public Task RegisterAsync(ulong newKey, ulong currentKey = 0, CancellationToken cancellationToken = default) =>
        PersistentReserveOutAsync(PersistentReserveOutServiceAction.Register, currentKey, newKey, cancellationToken: cancellationToken);

    public Task ReserveAsync(ulong key, PersistentReservationType type, CancellationToken cancellationToken = default) =>
        PersistentReserveOutAsync(PersistentReserveOutServiceAction.Reserve, key, 0, type, cancellationToken: cancellationToken);

    public Task ReleaseAsync(ulong key, PersistentReservationType type, CancellationToken cancellationToken = default) =>
        PersistentReserveOutAsync(PersistentReserveOutServiceAction.Release, key, 0, type, cancellationToken: cancellationToken);

    public Task ClearAsync(ulong key, CancellationToken cancellationToken = default) =>
        PersistentReserveOutAsync(PersistentReserveOutServiceAction.Clear, key, 0, cancellationToken: cancellationToken);

    public Task PreemptAsync(ulong key, ulong preemptedKey, PersistentReservationType type, bool abort = false, CancellationToken cancellationToken = default) =>
        PersistentReserveOutAsync(abort ? PersistentReserveOutServiceAction.PreemptAndAbort : PersistentReserveOutServiceAction.Preempt, key, preemptedKey, type,
            cancellationToken: cancellationToken);

    public async Task<IReadOnlyList<TargetPortGroupDescriptor>> ReportTargetPortGroupsAsync(CancellationToken cancellationToken = default)
    {
        byte[] buffer = new byte[1024];
        ScsiCommandResponse response = await Run("REPORT TARGET PORT GROUPS", c => CdbBuilder.ReportTargetPortGroups(c, (uint)buffer.Length), buffer,
            cancellationToken).ConfigureAwait(false);
        return TargetPortGroupDescriptor.ParseList(buffer.AsSpan(0, response.DataInLength));
    }

    /// <summary>READ BUFFER (10) into <paramref name="destination"/>; returns the bytes received.</summary>
    public async Task<int> ReadBufferAsync(byte mode, byte bufferId, uint bufferOffset, Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        byte[] cdb = new byte[10];
        CdbBuilder.ReadBuffer10(cdb, mode, bufferId, bufferOffset, (uint)destination.Length);
        ScsiCommandResponse response = await ExecuteAsync(cdb, destination, cancellationToken: cancellationToken).ConfigureAwait(false);
        Check("READ BUFFER", response);
        return response.DataInLength;
    }

    /// <summary>WRITE BUFFER from <paramref name="source"/>.</summary>
    public async Task WriteBufferAsync(byte mode, byte bufferId, uint bufferOffset, ReadOnlyMemory<byte> source, CancellationToken cancellationToken = default)
    {
        byte[] cdb = new byte[10];
        CdbBuilder.WriteBuffer(cdb, mode, bufferId, bufferOffset, (uint)source.Length);
        Check("WRITE BUFFER", await ExecuteAsync(cdb, dataOut: source, cancellationToken: cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The error history directory (READ BUFFER mode 1Ch, buffer ID 00h; SPC-5 §6.18.11).</summary>
    public async Task<byte[]> ReadErrorHistoryDirectoryAsync(CancellationToken cancellationToken = default)
    {
        byte[] buffer = new byte[2048];
        int length = await ReadBufferAsync(0x1C, 0x00, 0, buffer, cancellationToken).ConfigureAwait(false);
        return buffer[..length];
    }

    private async Task<ScsiCommandResponse> Run(string operation, CdbEncoder encode, Memory<byte> dataIn, CancellationToken cancellationToken)
    {
        byte[] cdb = new byte[16];
        int length = encode(cdb);
        ScsiCommandResponse response = await Session.ExecuteAsync(new ScsiCommand(Lun, cdb.AsSpan(0, length)) { DataIn = dataIn }, cancellationToken)
            .ConfigureAwait(false);
        Check(operation, response);
        return response;
    }

    private static void Check(string operation, in ScsiCommandResponse response)
    {
        if (!response.IsGood)
        {
            throw new ScsiCommandException(operation, response);
        }
    }

    private delegate int CdbEncoder(Span<byte> cdb);
}
