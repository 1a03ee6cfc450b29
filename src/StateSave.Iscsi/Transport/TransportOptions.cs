using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace StateSave.Iscsi.Transport;

/// <summary>Settings shared by every transport (socket and in-memory).</summary>
public sealed class TransportOptions
{
    /// <summary>Options with every default.</summary>
    public static TransportOptions Default { get; } = new();

    /// <summary>
    /// The largest MaxRecvDataSegmentLength this side will ever declare (RFC 7143 §13.12), 0 to 2^24 - 1.
    /// The input pipe is sized from it (see <see cref="PipeSizing"/>), so it must be at least what the protocol
    /// layer will negotiate. Default 262144.
    /// </summary>
    public int MaxRecvDataSegmentLength
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, PipeSizing.MaxDataSegmentLength);
            field = value;
        }
    } = 256 * 1024;

    /// <summary>The largest total AHS length this side accepts, 0 to 1020 (default 1020, the RFC's limit).</summary>
    public int MaxAdditionalHeaderSegmentLength
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, PipeSizing.MaxAdditionalHeaderSegmentLength);
            field = value;
        }
    } = PipeSizing.MaxAdditionalHeaderSegmentLength;

    /// <summary>The pool both pipes rent their segments from. Default: <see cref="BlockMemoryPool.Default"/>.</summary>
    public MemoryPool<byte>? MemoryPool { get; init; } = BlockMemoryPool.Default;

    /// <summary>
    /// The smallest segment a pipe rents, also the size the receive loop asks for per receive. Default 64 KiB: a 128 KiB
    /// Data-In then spans three segments (one gather send), and a receive takes in many small PDUs at once.
    /// </summary>
    public int MinimumSegmentSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            field = value;
        }
    } = 64 * 1024;

    /// <summary>How long a graceful close (DisposeAsync) waits for the output to drain before aborting. Default 5 s.</summary>
    public TimeSpan DrainTimeout
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            field = value;
        }
    } = TimeSpan.FromSeconds(5);

    /// <summary>Where transport events are logged. Default: nowhere.</summary>
    public ILoggerFactory LoggerFactory
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(value));
    } = NullLoggerFactory.Instance;

    /// <summary>The largest PDU this side accepts, digests included (see <see cref="PipeSizing.LargestPduLength"/>).</summary>
    public long LargestPduLength => PipeSizing.LargestPduLength(MaxRecvDataSegmentLength, MaxAdditionalHeaderSegmentLength);

    internal ILogger CreateLogger() => LoggerFactory.CreateLogger("StateSave.Iscsi.Transport");
}
