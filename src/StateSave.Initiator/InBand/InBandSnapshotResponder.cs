using System.Collections.Concurrent;
using System.Text.Json;
using StateSave.Initiator.Sessions;
using StateSave.Scsi;
using StateSave.Scsi.InBand;

namespace StateSave.Initiator.InBand;

/// <summary>
/// The host side of in-band state save (specs/in-band-state-save.md §3): one per host, registered on every session of
/// the host. STATE SAVE freezes one snapshot per FAILURE ID (a failure reaching the host on several paths snapshots
/// once); READ BUFFER mode 1Ch returns its error history directory and buffers by offset; BUFFER ID FFh releases it.
/// Snapshots nobody released are dropped <see cref="Retention"/> after their last request.
/// </summary>
public sealed class InBandSnapshotResponder(IHostSnapshotSource source, TimeSpan? retention = null) : IInBandStateSaveHandler
{
    public const int MaximumBuffers = ErrorHistoryReadCdb.LastDataBufferId - ErrorHistoryReadCdb.FirstDataBufferId + 1;

    private readonly ConcurrentDictionary<ulong, Lazy<Task<Snapshot>>> _snapshots = new();

    public TimeSpan Retention { get; } = retention ?? TimeSpan.FromMinutes(10);

    /// <summary>The FAILURE IDs of the snapshots held.</summary>
    public IReadOnlyCollection<ulong> Snapshots => [.. _snapshots.Keys];

    public async ValueTask HandleAsync(IscsiSession session, InBandStateSaveRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(request);
        DropExpired();
        ReadOnlySpan<byte> cdb = request.Cdb.Span;
        if (cdb[0] == StateSaveCdb.OperationCode)
        {
            await SaveStateAsync(session, request, cancellationToken).ConfigureAwait(false);
        }
        else if (cdb[0] == ErrorHistoryReadCdb.OperationCode)
        {
            await ReadBufferAsync(session, request, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await new InBandStateSaveResponse(session, request)
                .FailAsync(SenseData.IllegalRequest(CdbFieldError.InvalidOperationCode), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SaveStateAsync(IscsiSession session, InBandStateSaveRequest request, CancellationToken cancellationToken)
    {
        var response = new InBandStateSaveResponse(session, request);
        if (StateSaveCdb.TryDecode(request.Cdb.Span, out StateSaveCdb cdb) is { } invalid)
        {
            await response.FailAsync(SenseData.IllegalRequest(invalid), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (cdb.ParameterListLength != request.ParameterList.Length
            || !StateSaveParameters.TryDecode(request.ParameterList.Span, out StateSaveParameters? parameters))
        {
            await response.FailAsync(SenseData.IllegalRequest(AdditionalSenseCode.ParameterListLengthError), cancellationToken).ConfigureAwait(false);
            return;
        }

        // Frozen once per failure: the first request on any path does it, the others wait for the same snapshot.
        Lazy<Task<Snapshot>> frozen = _snapshots.GetOrAdd(cdb.FailureId,
            id => new Lazy<Task<Snapshot>>(() => FreezeAsync(id, cdb.Scope, parameters!)));
        Snapshot snapshot = await frozen.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        snapshot.Touch();
        if (snapshot.Incomplete is not null)
        {
            // The snapshot is kept (it lists what went wrong) but the freeze is reported as failed (§3).
            await response.FailAsync(SenseData.HardwareError(AdditionalSenseCode.InternalTargetFailure), cancellationToken).ConfigureAwait(false);
            return;
        }

        await response.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ReadBufferAsync(IscsiSession session, InBandStateSaveRequest request, CancellationToken cancellationToken)
    {
        if (ErrorHistoryReadCdb.TryDecode(request.Cdb.Span, out ErrorHistoryReadCdb cdb) is { } invalid)
        {
            await new InBandStateSaveResponse(session, request).FailAsync(SenseData.IllegalRequest(invalid), cancellationToken).ConfigureAwait(false);
            return;
        }

        var response = new InBandStateSaveResponse(session, request, cdb.BufferOffset, cdb.AllocationLength);
        if (cdb.BufferId == ErrorHistoryReadCdb.ReleaseBufferId)
        {
            _snapshots.TryRemove(request.FailureId, out _);
            await response.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!_snapshots.TryGetValue(request.FailureId, out Lazy<Task<Snapshot>>? entry) || !entry.IsValueCreated
            || !entry.Value.IsCompletedSuccessfully)
        {
            await response.FailAsync(SenseData.IllegalRequest(CdbFieldError.InvalidField(ErrorHistoryReadCdb.BufferIdOffset)), cancellationToken).ConfigureAwait(false);
            return;
        }

        Snapshot snapshot = entry.Value.Result;
        snapshot.Touch();
        if (cdb.BufferId == ErrorHistoryReadCdb.ClearNexusBufferId)
        {
            await response.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        ReadOnlyMemory<byte> data;
        if (cdb.BufferId == ErrorHistoryReadCdb.DirectoryBufferId)
        {
            data = snapshot.Directory;
        }
        else if (snapshot.Find(cdb.BufferId) is { } buffer)
        {
            data = buffer;
        }
        else
        {
            await response.FailAsync(SenseData.IllegalRequest(CdbFieldError.InvalidField(ErrorHistoryReadCdb.BufferIdOffset)), cancellationToken).ConfigureAwait(false);
            return;
        }

        if (cdb.BufferOffset < (ulong)data.Length)
        {
            ReadOnlyMemory<byte> part = data[(int)cdb.BufferOffset..];
            await response.WriteAsync(part[..(int)Math.Min((uint)part.Length, cdb.AllocationLength)], cancellationToken).ConfigureAwait(false);
        }

        await response.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<Snapshot> FreezeAsync(ulong failureId, StateSaveScope scope, StateSaveParameters parameters)
    {
        IReadOnlyList<SnapshotBuffer> buffers;
        string? incomplete = null;
        try
        {
            buffers = await source.FreezeAsync(failureId, scope, parameters, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A source that fails still leaves a (smaller) snapshot and a HARDWARE ERROR answer, never a crash.
        catch (Exception error)
#pragma warning restore CA1031
        {
            buffers = [new SnapshotBuffer("error", SnapshotBuffer.ApplicationLogFormat, "text/plain", System.Text.Encoding.UTF8.GetBytes(error.ToString()))];
            incomplete = error.Message;
        }

        if (buffers.Count > MaximumBuffers - 1)
        {
            buffers = [.. buffers.Take(MaximumBuffers - 1)];
        }

        var listed = buffers.Select((b, i) => new
        {
            bufferId = ErrorHistoryReadCdb.FirstDataBufferId + 1 + i,
            name = b.Name,
            format = b.Format,
            contentType = b.ContentType,
            length = b.Data.Length,
        });
        byte[] manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            host = source.HostName,
            failureId = failureId.ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
            failedComponent = parameters.FailedComponent,
            reason = parameters.Reason,
            failureTime = parameters.FailureTime,
            frozen = DateTimeOffset.UtcNow,
            scope = scope.ToString(),
            incomplete,
            buffers = listed,
        }, ManifestJson);
        SnapshotBuffer[] all = [new SnapshotBuffer("manifest", SnapshotBuffer.ManifestFormat, "application/json", manifest), .. buffers];
        return new Snapshot(all, EncodeDirectory(all), incomplete);
    }

    // EHS_RETRIEVED 10b (not yet retrieved), EHS_SOURCE 01b (made by this command), CLR_SUP 1.
    private static byte[] EncodeDirectory(SnapshotBuffer[] buffers) =>
        ErrorHistoryDirectory.Encode("STATESAV"u8, version: 1, (0b10 << 3) | (0b01 << 1) | 1,
            [.. buffers.Select((b, i) => ((byte)(ErrorHistoryReadCdb.FirstDataBufferId + i), b.Format, (long)b.Data.Length))]);

    private void DropExpired()
    {
        foreach ((ulong id, Lazy<Task<Snapshot>> entry) in _snapshots)
        {
            if (entry.IsValueCreated && entry.Value.IsCompletedSuccessfully && entry.Value.Result.IdleFor > Retention)
            {
                _snapshots.TryRemove(id, out _);
            }
        }
    }

    private static readonly JsonSerializerOptions ManifestJson = new() { WriteIndented = true };

    /// <summary>One frozen snapshot: buffer 10h is the manifest, 11h… the source's buffers.</summary>
    private sealed class Snapshot(SnapshotBuffer[] buffers, byte[] directory, string? incomplete)
    {
        private long _lastUsed = Environment.TickCount64;

        public byte[] Directory { get; } = directory;

        public string? Incomplete { get; } = incomplete;

        public TimeSpan IdleFor => TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _lastUsed));

        public void Touch() => Volatile.Write(ref _lastUsed, Environment.TickCount64);

        public ReadOnlyMemory<byte>? Find(byte bufferId)
        {
            int index = bufferId - ErrorHistoryReadCdb.FirstDataBufferId;
            return index >= 0 && index < buffers.Length ? buffers[index].Data : null;
        }
    }
}
