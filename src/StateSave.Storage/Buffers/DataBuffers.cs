using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.Reservations;

namespace StateSave.Storage.Buffers;

/// <summary>
/// READ BUFFER (10)/(16) and WRITE BUFFER (SPC-5 §6.18, §6.48) for one logical unit: data buffers (mode 02h,
/// descriptor 03h, combined header and data 00h for reading), an echo buffer per I_T nexus (0Ah, descriptor 0Bh)
/// and error history (1Ch, handed to <see cref="ErrorHistory"/> when one is given). Download microcode modes are
/// not supported (INVALID FIELD IN CDB).
/// </summary>
/// <remarks>
/// Echo buffers: each I_T nexus has its own, <see cref="EchoBufferCapacity"/> bytes. At most
/// <see cref="MaximumEchoBuffers"/> are kept; writing one more evicts the least recently written, and the nexus that
/// owned it gets ECHO BUFFER OVERWRITTEN on its next echo read (EBOS = 1). Reading without a previous echo write
/// from the same I_T nexus is COMMAND SEQUENCE ERROR.
/// </remarks>
public sealed class DataBuffers
{
    /// <summary>Echo buffer capacity (the most SPC-5 allows, a multiple of four).</summary>
    public const int EchoBufferCapacity = 4096;

    /// <summary>Echo buffers kept at once.</summary>
    public const int MaximumEchoBuffers = 64;

    /// <summary>Largest data buffer (the 3-byte BUFFER OFFSET and PARAMETER LIST LENGTH of WRITE BUFFER).</summary>
    public const int MaximumCapacity = (1 << 24) - 1;

    private readonly Lock _lock = new();
    private readonly byte[]?[] _buffers;
    private readonly Dictionary<ITNexus, EchoBuffer> _echo = [];
    private readonly ErrorHistory? _errorHistory;
    private long _echoClock;

    /// <param name="capacity">Bytes in each data buffer.</param>
    /// <param name="bufferCount">Data buffers, BUFFER IDs 0 to <paramref name="bufferCount"/> - 1.</param>
    /// <param name="errorHistory">Error history for mode 1Ch, or null when not supported.</param>
    public DataBuffers(int capacity = 64 * 1024, int bufferCount = 1, ErrorHistory? errorHistory = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaximumCapacity);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bufferCount, 256);
        Capacity = capacity;
        _buffers = new byte[]?[bufferCount];
        _errorHistory = errorHistory;
    }

    public int Capacity { get; }

    public ErrorHistory? ErrorHistory => _errorHistory;

    /// <summary>READ BUFFER (10) or (16).</summary>
    public async ValueTask<ScsiCommandResult> ReadBufferAsync(IScsiCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!BufferCdb.TryParse(command.Cdb.Span, out BufferCdb cdb))
        {
            return InvalidCdb(0);
        }

        byte[] data;
        switch ((BufferMode)cdb.Mode)
        {
            // 0-3 header: 1-3 BUFFER CAPACITY; then buffer 0. BUFFER ID and BUFFER OFFSET are reserved.
            case BufferMode.CombinedHeaderAndData:
                lock (_lock)
                {
                    data = new byte[4 + Capacity];
                    WriteUInt24(data.AsSpan(1), (uint)Capacity);
                    _buffers[0]?.CopyTo(data, 4);
                }

                break;

            case BufferMode.Data:
                if (cdb.BufferId >= _buffers.Length)
                {
                    return InvalidCdb(cdb.BufferIdField);
                }

                if (cdb.BufferOffset > (ulong)Capacity)
                {
                    return InvalidCdb(cdb.BufferOffsetField);
                }

                lock (_lock)
                {
                    int offset = (int)cdb.BufferOffset;
                    int length = (int)Math.Min((uint)(Capacity - offset), cdb.Length);
                    data = new byte[length];
                    _buffers[cdb.BufferId]?.AsSpan(offset, length).CopyTo(data);
                }

                break;

            // 0 OFFSET BOUNDARY (2^n; 0: byte), 1-3 BUFFER CAPACITY; all zero for an unsupported buffer.
            case BufferMode.Descriptor:
                data = new byte[4];
                if (cdb.BufferId < _buffers.Length)
                {
                    WriteUInt24(data.AsSpan(1), (uint)Capacity);
                }

                break;

            case BufferMode.EchoBuffer:
                lock (_lock)
                {
                    if (!_echo.TryGetValue(command.Nexus, out EchoBuffer? echo))
                    {
                        return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.CommandSequenceError));
                    }

                    if (echo.Data is null)
                    {
                        return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.EchoBufferOverwritten));
                    }

                    data = echo.Data;
                }

                break;

            // 0 EBOS (bit 0), 2-3 BUFFER CAPACITY (bits 12-0).
            case BufferMode.EchoBufferDescriptor:
                data = [0x01, 0, EchoBufferCapacity >> 8, EchoBufferCapacity & 0xff];
                break;

            case BufferMode.ErrorHistory when _errorHistory is not null:
                return await _errorHistory.ReadAsync(command, cdb).ConfigureAwait(false);

            default:
                return InvalidCdb(1, 4);
        }

        await ServiceDataTransfer.SendAsync(command, data, cdb.Length).ConfigureAwait(false);
        return ScsiCommandResult.Good;
    }

    /// <summary>WRITE BUFFER: modes 02h (data), 0Ah (echo buffer) and 1Ch (application client error history).</summary>
    public async ValueTask<ScsiCommandResult> WriteBufferAsync(IScsiCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!BufferCdb.TryParse(command.Cdb.Span, out BufferCdb cdb) || (ScsiOpcode)command.Cdb.Span[0] != ScsiOpcode.WriteBuffer)
        {
            return InvalidCdb(0);
        }

        switch ((BufferMode)cdb.Mode)
        {
            case BufferMode.Data:
            {
                if (cdb.BufferId >= _buffers.Length)
                {
                    return InvalidCdb(cdb.BufferIdField);
                }

                if (cdb.BufferOffset > (ulong)Capacity)
                {
                    return InvalidCdb(cdb.BufferOffsetField);
                }

                if (cdb.BufferOffset + cdb.Length > (ulong)Capacity)
                {
                    return InvalidCdb(cdb.LengthField);
                }

                byte[]? list = await ReceiveAsync(command, cdb.Length).ConfigureAwait(false);
                if (list is null)
                {
                    return ParameterListLengthError(cdb);
                }

                lock (_lock)
                {
                    byte[] buffer = _buffers[cdb.BufferId] ??= new byte[Capacity];
                    list.CopyTo(buffer, (int)cdb.BufferOffset);
                }

                return ScsiCommandResult.Good;
            }

            // BUFFER ID and BUFFER OFFSET are ignored.
            case BufferMode.EchoBuffer:
            {
                if (cdb.Length > EchoBufferCapacity)
                {
                    return InvalidCdb(cdb.LengthField);
                }

                byte[]? list = await ReceiveAsync(command, cdb.Length).ConfigureAwait(false);
                if (list is null)
                {
                    return ParameterListLengthError(cdb);
                }

                lock (_lock)
                {
                    StoreEcho(command.Nexus, list);
                }

                return ScsiCommandResult.Good;
            }

            case BufferMode.ErrorHistory when _errorHistory is not null:
                return await _errorHistory.WriteAsync(command, cdb).ConfigureAwait(false);

            default:
                return InvalidCdb(1, 4);
        }
    }

    /// <summary>I_T nexus loss: its echo buffer goes, and the error history forgets it as its I_T nexus.</summary>
    public void OnNexusLost(ITNexus nexus)
    {
        ArgumentNullException.ThrowIfNull(nexus);
        lock (_lock)
        {
            _echo.Remove(nexus);
        }

        _errorHistory?.OnNexusLost(nexus);
    }

    /// <summary>Logical unit reset: echo buffers are dropped; data buffers keep their contents.</summary>
    public void OnLogicalUnitReset()
    {
        lock (_lock)
        {
            _echo.Clear();
        }

        _errorHistory?.OnLogicalUnitReset();
    }

    private void StoreEcho(ITNexus nexus, byte[] data)
    {
        long now = ++_echoClock;
        if (_echo.TryGetValue(nexus, out EchoBuffer? existing))
        {
            existing.Data = data;
            existing.Written = now;
            return;
        }

        int live = _echo.Values.Count(e => e.Data is not null);
        if (live >= MaximumEchoBuffers)
        {
            EchoBuffer oldest = _echo.Values.Where(e => e.Data is not null).MinBy(e => e.Written)!;
            oldest.Data = null;
        }

        // Forget the oldest overwritten markers too, so the table stays bounded.
        if (_echo.Count >= 4 * MaximumEchoBuffers)
        {
            foreach (ITNexus stale in _echo.Where(e => e.Value.Data is null).OrderBy(e => e.Value.Written).Take(MaximumEchoBuffers).Select(e => e.Key).ToList())
            {
                _echo.Remove(stale);
            }
        }

        _echo[nexus] = new EchoBuffer { Data = data, Written = now };
    }

    private static async ValueTask<byte[]?> ReceiveAsync(IScsiCommand command, uint length)
    {
        byte[] list = new byte[length];
        return await ServiceDataTransfer.ReceiveAsync(command, list).ConfigureAwait(false) < list.Length ? null : list;
    }

    private static void WriteUInt24(Span<byte> destination, uint value)
    {
        destination[0] = (byte)(value >> 16);
        destination[1] = (byte)(value >> 8);
        destination[2] = (byte)value;
    }

    private static ScsiCommandResult InvalidCdb(int field, int? bit = null) =>
        ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, field, bit));

    private static ScsiCommandResult ParameterListLengthError(BufferCdb cdb) =>
        ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.ParameterListLengthError, cdb.LengthField));

    private sealed class EchoBuffer
    {
        public byte[]? Data { get; set; }

        public long Written { get; set; }
    }
}
