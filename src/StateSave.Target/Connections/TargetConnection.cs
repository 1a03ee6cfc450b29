using System.Buffers;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Iscsi.Transport;
using StateSave.Target.Logging;
using StateSave.Target.Sessions;
using StateSave.Target.Tasks;

namespace StateSave.Target.Connections;

/// <summary>
/// One iSCSI connection at the target: the login phase, then the full feature phase read loop (RFC 7143
/// §6, §7). PDUs are framed straight from the transport's <see cref="PipeReader"/>; every PDU is handled
/// while its buffer is still valid, and anything that outlives it (immediate data, CDBs) is copied.
/// </summary>
internal sealed partial class TargetConnection : IAsyncDisposable
{
    private readonly IIscsiTransportConnection _transport;
    private readonly IscsiTargetServer _server;
    private readonly ILogger _logger;
    private readonly SendLock _writeLock = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly TargetTaskPool _taskPool;
    private PduReaderOptions _readerOptions = new() { Direction = PduDirection.FromInitiator, MaxRecvDataSegmentLength = LoginMaxRecvDataSegmentLength };
    private DigestOptions _sendDigests;
    private uint _statSN;
    private uint _nextTargetTransferTag;
    private string _endReason = "the initiator closed the connection";

    public TargetConnection(IIscsiTransportConnection transport, IscsiTargetServer server, ushort portalGroupTag)
    {
        _transport = transport;
        _server = server;
        _logger = server.Logger;
        PortalGroupTag = portalGroupTag;
        _statSN = (uint)Random.Shared.Next();
        _taskPool = new TargetTaskPool(this);
    }

    public string ConnectionId => _transport.ConnectionId;

    public System.Net.EndPoint? RemoteEndPoint => _transport.RemoteEndPoint;

    public ushort PortalGroupTag { get; }

    public ushort Cid { get; private set; }

    public TargetSession? Session { get; private set; }

    /// <summary>The session's negotiated parameters (defaults until login completes).</summary>
    public NegotiatedParameters Parameters { get; private set; } = NegotiatedParameters.Defaults;

    /// <summary>The largest data segment the target may send (the initiator's MaxRecvDataSegmentLength).</summary>
    public int MaxSendDataSegmentLength => Parameters.InitiatorMaxRecvDataSegmentLength;

    public CancellationToken Closing => _closing.Token;

    /// <summary>True once the connection is closing (safe to ask after it is disposed).</summary>
    public bool IsClosing => _closing.IsCancellationRequested;

    /// <summary>A Target Transfer Tag for an R2T or a NOP-In ping; never the reserved FFFFFFFFh.</summary>
    public uint NextTargetTransferTag()
    {
        uint tag = Interlocked.Increment(ref _nextTargetTransferTag);
        return tag == ReservedTag.Value ? Interlocked.Increment(ref _nextTargetTransferTag) : tag;
    }

    /// <summary>Runs the connection to its end: login, full feature phase, teardown. Never throws.</summary>
    public async Task RunAsync()
    {
        try
        {
            if (await LoginAsync().ConfigureAwait(false))
            {
                await ReadLoopAsync(HandleFullFeaturePduAsync).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            // Closed by logout, reinstatement, a ping timeout or server shutdown.
        }
        catch (IscsiProtocolException error)
        {
            _endReason = error.Message;
            TargetLog.ProtocolErrorDropped(_logger, ConnectionId, error.Message);
        }
        catch (Exception error) when (error is IOException or InvalidOperationException or ObjectDisposedException)
        {
            _endReason = error.Message;
        }
#pragma warning disable CA1031 // A connection must never take the server down: log and close.
        catch (Exception error)
#pragma warning restore CA1031
        {
            _endReason = error.Message;
            TargetLog.ConnectionFaulted(_logger, ConnectionId, error);
        }
        finally
        {
            await TearDownAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Closes the connection from the target side (logout done, session reinstated, ping timeout, shutdown).</summary>
    /// <param name="reason">Why, for the log.</param>
    /// <param name="drainOutput">
    /// True to send what is already queued (a TMF response) before the TCP FIN; false to reset the connection at once.
    /// </param>
    public void Close(string reason, bool drainOutput = false)
    {
        _endReason = reason;
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        if (!drainOutput)
        {
            _transport.Abort(reason);
        }

        // Otherwise the read loop ends on the cancellation and the teardown disposes the transport gracefully.
    }

    /// <summary>
    /// Frames PDUs from the input and hands each to <paramref name="handle"/> while its buffer is valid.
    /// A PDU the reader refuses but can skip gets a Reject (RFC 7143 §11.17); anything else ends the connection.
    /// </summary>
    private async Task ReadLoopAsync(Func<IscsiPdu, ValueTask<bool>> handle)
    {
        PipeReader input = _transport.Input;
        CancellationToken closing = _closing.Token;
        while (true)
        {
            ReadResult result = await input.ReadAsync(closing).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            bool goOn = true;
            long skipAfter = 0;
            try
            {
                while (goOn)
                {
                    IscsiPdu pdu;
                    try
                    {
                        if (!IscsiPduReader.TryRead(ref buffer, _readerOptions, out pdu))
                        {
                            break;
                        }
                    }
                    catch (IscsiProtocolException error) when (error.Action == ProtocolErrorAction.Reject && error.BytesToSkip > 0)
                    {
                        long now = Math.Min(buffer.Length, error.BytesToSkip);
                        buffer = buffer.Slice(now);
                        skipAfter = error.BytesToSkip - now;
                        await SendRejectAsync(error.RejectReason ?? RejectReason.ProtocolError, error.OffendingHeader, error.Message).ConfigureAwait(false);
                        if (skipAfter > 0)
                        {
                            break;
                        }

                        continue;
                    }

                    goOn = await handle(pdu).ConfigureAwait(false);
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }

            if (!goOn)
            {
                return;
            }

            if (skipAfter > 0)
            {
                await IscsiPduReader.SkipAsync(input, skipAfter, closing).ConfigureAwait(false);
                continue;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                if (!buffer.IsEmpty)
                {
                    _endReason = $"the stream ended inside a PDU ({buffer.Length} bytes buffered)";
                }

                return;
            }
        }
    }

    /// <summary>Sends a Reject carrying the offending header (RFC 7143 §11.17.1).</summary>
    private async ValueTask SendRejectAsync(RejectReason reason, ReadOnlyMemory<byte> offendingHeader, string detail)
    {
        TargetLog.PduRejected(_logger, ConnectionId, reason, detail);
        var reject = new RejectPdu { Reason = reason, DataSN = 0, DataSegment = new ReadOnlySequence<byte>(offendingHeader) };
        await SendAsync(reject, advanceStatSN: true).ConfigureAwait(false);
    }

    private async ValueTask SendRejectAsync(RejectReason reason, BasicHeaderSegment header, string detail)
    {
        byte[] copy = header.ToArray();
        await SendRejectAsync(reason, copy, detail).ConfigureAwait(false);
    }

    private async Task TearDownAsync()
    {
        FailInBandExchanges(_endReason);
        TargetSession? session = Session;
        if (session is not null && ReferenceEquals(session.Connection, this))
        {
            // ErrorRecoveryLevel 0: the session ends with its only connection (RFC 7143 §7.1.5); its tasks are aborted.
            await _server.EndSessionAsync(session, _endReason).ConfigureAwait(false);
        }

        TargetLog.ConnectionEnded(_logger, ConnectionId, _endReason);
        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        await _transport.DisposeAsync().ConfigureAwait(false);
        _taskPool.Close();
        _closing.Dispose();
    }
}
