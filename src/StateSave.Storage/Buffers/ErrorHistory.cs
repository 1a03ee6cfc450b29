using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.Reservations;

namespace StateSave.Storage.Buffers;

/// <summary>
/// Error history (SPC-5 §5.7) for one logical unit: READ BUFFER mode 1Ch (directory, snapshots, clearing)
/// and WRITE BUFFER mode 1Ch (download application client error history). <see cref="DataBuffers"/> decodes
/// the CDBs and hands mode 1Ch here.
/// </summary>
/// <remarks>
/// One snapshot exists at a time. The error history I_T nexus that created (or took over) it alone may use
/// the buffer IDs SPC-5 marks as constrained while it exists; other I_T nexuses get OPERATION IN PROGRESS.
/// BUFFER ID 02h/03h take the error history over for the calling I_T nexus; FEh gives it up, FFh also
/// releases the snapshot. I_T nexus loss and logical unit reset clear the error history I_T nexus.
/// </remarks>
public sealed class ErrorHistory : IDisposable
{
    /// <summary>Largest snapshot accepted from a source.</summary>
    public const int MaximumSnapshotLength = 16 * 1024 * 1024;

    /// <summary>Largest WRITE BUFFER mode 1Ch parameter list.</summary>
    public const int MaximumApplicationClientEntryLength = 64 * 1024;

    // Application client error history parameter list: 0-7 T10 VENDOR IDENTIFICATION, 8-9 ERROR TYPE, 10 CLR (bit 0),
    // 12-17 TIME STAMP, 20 CODE SET, 21 ERROR LOCATION FORMAT, 22-23 ERROR LOCATION LENGTH,
    // 24-25 APPLICATION CLIENT ERROR HISTORY LENGTH, 26- ERROR LOCATION, then APPLICATION CLIENT ERROR HISTORY.
    private const int EntryHeaderLength = 26;
    private const int ClrOffset = 10;
    private const int ErrorLocationLengthOffset = 22;
    private const int HistoryLengthOffset = 24;

    // Directory: 0-7 T10 VENDOR IDENTIFICATION, 8 VERSION, 9 EHS_RETRIEVED (4-3) EHS_SOURCE (2-1) CLR_SUP (0),
    // 30-31 DIRECTORY LENGTH, then 8-byte entries: 0 SUPPORTED BUFFER ID, 1 BUFFER FORMAT, 2 BUFFER SOURCE, 4-7 MAXIMUM AVAILABLE LENGTH.
    private const int DirectoryHeaderLength = 32;
    private const int DirectoryEntryLength = 8;
    private const byte RetrievedRequested = 0x1;
    private const byte RetrievedNotRequested = 0x2;
    private const byte SourceCurrentCommand = 0x1;
    private const byte SourcePreviousCommand = 0x2;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IErrorHistorySource _source;
    private readonly byte[] _vendor = new byte[8];
    private readonly ILogger _logger;

    private ErrorHistoryBuffer[]? _snapshot;
    private ITNexus? _nexus;
    private byte _retrieved;
    private byte _snapshotSource;

    /// <param name="log">Where application client entries go; also the snapshot source when <paramref name="source"/> is null.</param>
    /// <param name="source">The snapshot source, or null for <paramref name="log"/>.</param>
    /// <param name="t10VendorIdentification">T10 VENDOR IDENTIFICATION of the directory (at most 8 ASCII characters).</param>
    /// <param name="version">VERSION of the vendor-specific error history format.</param>
    /// <param name="logger">Logger, or none.</param>
    public ErrorHistory(ErrorHistoryLog? log = null, IErrorHistorySource? source = null, string t10VendorIdentification = "STATESAV",
        byte version = 1, ILogger<ErrorHistory>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(t10VendorIdentification);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(t10VendorIdentification.Length, 8, nameof(t10VendorIdentification));
        Log = log ?? new ErrorHistoryLog();
        _source = source ?? Log;
        _vendor.AsSpan().Fill((byte)' ');
        Encoding.ASCII.GetBytes(t10VendorIdentification, _vendor);
        Version = version;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public ErrorHistoryLog Log { get; }

    /// <summary>
    /// Raised for every application client error history entry a WRITE BUFFER mode 1Ch stores, with the I_T nexus that
    /// wrote it (the storage system adds what stock hosts push during a collection to their part of the package).
    /// </summary>
    public event Action<ITNexus, byte[]>? ApplicationClientEntryWritten;

    public byte Version { get; }

    /// <summary>The error history I_T nexus, if one is established.</summary>
    public ITNexus? ErrorHistoryNexus => Volatile.Read(ref _nexus);

    /// <summary>I_T nexus loss: the error history I_T nexus, if it was that nexus, is cleared (the snapshot stays).</summary>
    public void OnNexusLost(ITNexus nexus)
    {
        ArgumentNullException.ThrowIfNull(nexus);
        Interlocked.CompareExchange(ref _nexus, null, nexus);
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Logical unit reset: clears the error history I_T nexus.</summary>
    public void OnLogicalUnitReset() => Volatile.Write(ref _nexus, null);

    internal async ValueTask<ScsiCommandResult> ReadAsync(IScsiCommand command, BufferCdb cdb)
    {
        await _gate.WaitAsync(command.Aborted).ConfigureAwait(false);
        try
        {
            return await ReadLockedAsync(command, cdb).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask<ScsiCommandResult> ReadLockedAsync(IScsiCommand command, BufferCdb cdb)
    {
        ITNexus nexus = command.Nexus;
        byte id = cdb.BufferId;
        bool directory = id <= 0x03;
        bool data = id is >= 0x10 and <= 0xef;
        bool clear = id >= 0xfe;
        if (!directory && !data && !clear)
        {
            return InvalidCdb(cdb.BufferIdField);
        }

        if ((directory && cdb.ModeSpecific > 1) || (!directory && cdb.ModeSpecific != 0))
        {
            return InvalidCdb(1, 7);
        }

        if (directory && cdb.BufferOffset != 0)
        {
            return InvalidCdb(cdb.BufferOffsetField);
        }

        // BUFFER IDs 02h and 03h take the error history over; the others are constrained to the error history I_T nexus.
        bool constrained = id is not (0x02 or 0x03);
        if (constrained && _snapshot is not null && _nexus is { } owner && !owner.Equals(nexus))
        {
            return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.OperationInProgress));
        }

        if (clear)
        {
            _nexus = null;
            if (id == 0xff)
            {
                _snapshot = null;
                BuffersLog.SnapshotReleased(_logger, nexus.InitiatorPortName);
            }
            else
            {
                _retrieved = RetrievedRequested;
            }

            return ScsiCommandResult.Good;
        }

        if (data)
        {
            ErrorHistoryBuffer? buffer = Array.Find(_snapshot ?? [], b => b.BufferId == id);
            if (buffer is null)
            {
                return InvalidCdb(cdb.BufferIdField);
            }

            if (cdb.BufferOffset > (ulong)buffer.Data.Length)
            {
                return InvalidCdb(cdb.BufferOffsetField);
            }

            await ServiceDataTransfer.SendAsync(command, buffer.Data[(int)cdb.BufferOffset..], cdb.Length).ConfigureAwait(false);
            return ScsiCommandResult.Good;
        }

        if (id >= 0x02 || _nexus is null)
        {
            _nexus = nexus;
        }

        if (id is 0x01 or 0x03 || _snapshot is null)
        {
            ErrorHistoryBuffer[]? snapshot = await CreateSnapshotAsync(cdb.ModeSpecific == 1, command.Aborted).ConfigureAwait(false);
            if (snapshot is null)
            {
                return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.CommandSequenceError));
            }

            _snapshot = snapshot;
            _retrieved = RetrievedNotRequested;
            _snapshotSource = SourceCurrentCommand;
            long length = 0;
            foreach (ErrorHistoryBuffer buffer in snapshot)
            {
                length += buffer.Data.Length;
            }

            BuffersLog.SnapshotCreated(_logger, nexus.InitiatorPortName, snapshot.Length, length);
        }

        byte[] directoryData = EncodeDirectory();

        // Later directory reads report the snapshot as made by a previous READ BUFFER command.
        _snapshotSource = SourcePreviousCommand;

        await ServiceDataTransfer.SendAsync(command, directoryData, cdb.Length).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }

    private async ValueTask<ErrorHistoryBuffer[]?> CreateSnapshotAsync(bool currentInternalStatus, CancellationToken cancellationToken)
    {
        IReadOnlyList<ErrorHistoryBuffer> buffers;
        try
        {
            buffers = await _source.CreateSnapshotAsync(currentInternalStatus, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or InvalidOperationException)
        {
            BuffersLog.SnapshotFailed(_logger, exception);
            return null;
        }

        long total = 0;
        var seen = new HashSet<byte>();
        foreach (ErrorHistoryBuffer buffer in buffers)
        {
            total += buffer.Data.Length;
            if (buffer.BufferId is < 0x10 or > 0xef || !seen.Add(buffer.BufferId) || total > MaximumSnapshotLength)
            {
                BuffersLog.SnapshotRejected(_logger, $"buffer {buffer.BufferId:X2}h out of range, repeated or over the size limit");
                return null;
            }
        }

        return [.. buffers.OrderBy(b => b.BufferId)];
    }

    private byte[] EncodeDirectory()
    {
        ErrorHistoryBuffer[] snapshot = _snapshot ?? [];
        int entries = 4 + snapshot.Length;
        byte[] data = new byte[DirectoryHeaderLength + (entries * DirectoryEntryLength)];
        _vendor.CopyTo(data, 0);
        data[8] = Version;
        data[9] = (byte)((_retrieved << 3) | (_snapshotSource << 1) | 0x01); // CLR_SUP = 1
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(30), (ushort)(entries * DirectoryEntryLength));
        int offset = DirectoryHeaderLength;
        for (byte id = 0; id <= 3; id++)
        {
            data[offset] = id;
            BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(offset + 4), (uint)data.Length);
            offset += DirectoryEntryLength;
        }

        foreach (ErrorHistoryBuffer buffer in snapshot)
        {
            data[offset] = buffer.BufferId;
            data[offset + 1] = buffer.BufferFormat;
            data[offset + 2] = (byte)(buffer.BufferSource & 0x0f);
            BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(offset + 4), (uint)buffer.Data.Length);
            offset += DirectoryEntryLength;
        }

        return data;
    }

    // WRITE BUFFER mode 1Ch (SPC-5 §6.48.16): BUFFER ID and BUFFER OFFSET are ignored.
    internal async ValueTask<ScsiCommandResult> WriteAsync(IScsiCommand command, BufferCdb cdb)
    {
        if (cdb.ModeSpecific != 0)
        {
            return InvalidCdb(1, 7);
        }

        if (cdb.Length > MaximumApplicationClientEntryLength)
        {
            return InvalidCdb(cdb.LengthField);
        }

        if (cdb.Length < EntryHeaderLength)
        {
            return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.ParameterListLengthError, cdb.LengthField));
        }

        byte[] list = new byte[cdb.Length];
        if (await ServiceDataTransfer.ReceiveAsync(command, list).ConfigureAwait(false) < list.Length)
        {
            return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.ParameterListLengthError, cdb.LengthField));
        }

        int locationLength = BinaryPrimitives.ReadUInt16BigEndian(list.AsSpan(ErrorLocationLengthOffset));
        int historyLength = BinaryPrimitives.ReadUInt16BigEndian(list.AsSpan(HistoryLengthOffset));
        if (EntryHeaderLength + locationLength > list.Length)
        {
            return InvalidParameter(ErrorLocationLengthOffset);
        }

        if (EntryHeaderLength + locationLength + historyLength > list.Length)
        {
            return InvalidParameter(HistoryLengthOffset);
        }

        if ((list[ClrOffset] & 0x01) != 0)
        {
            // CLR: the application client error history is cleared; this entry is not kept.
            Log.ClearApplicationClientEntries();
        }
        else
        {
            byte[] entry = list.AsSpan(0, EntryHeaderLength + locationLength + historyLength).ToArray();
            Log.AddApplicationClientEntry(entry);
            ApplicationClientEntryWritten?.Invoke(command.Nexus, entry);
        }

        return ScsiCommandResult.Good;
    }

    private static ScsiCommandResult InvalidCdb(int field, int? bit = null) =>
        ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, field, bit));

    private static ScsiCommandResult InvalidParameter(int field) =>
        ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInParameterList, field, null, inCdb: false));
}
