using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.Extensions.Logging;
using StateSave.Initiator.Logging;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Transport;

namespace StateSave.Initiator.Connections;

/// <summary>
/// One full-feature-phase connection: a single read loop framing PDUs straight from the transport's
/// <see cref="PipeReader"/> and handing each to the session while its buffer is valid, and the encode/flush
/// primitives the session's single writer uses. Any bad input from the target ends the connection (ErrorRecoveryLevel
/// 0, RFC 7143 §7.1.4.3); the session then recovers.
/// </summary>
internal sealed class InitiatorConnection : IAsyncDisposable
{
    private readonly IIscsiTransportConnection _transport;
    private readonly IConnectionOwner _owner;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _closing = new();
    private readonly PduReaderOptions _readerOptions;
    private Task _readLoop = Task.CompletedTask;
    private int _ended;
    private readonly Sessions.SessionCounters? _sessionCounters;
    private long _pdusReceived;
    private long _bytesReceived;
    private long _pdusSent;
    private long _bytesSent;

    public InitiatorConnection(IIscsiTransportConnection transport, IConnectionOwner owner, NegotiatedParameters parameters, ILogger logger,
        Sessions.SessionCounters? sessionCounters = null)
    {
        _sessionCounters = sessionCounters;
        _transport = transport;
        _owner = owner;
        _logger = logger;
        DigestOptions digests = (parameters.HeaderDigest == DigestType.Crc32C ? DigestOptions.HeaderDigest : DigestOptions.None)
            | (parameters.DataDigest == DigestType.Crc32C ? DigestOptions.DataDigest : DigestOptions.None);
        SendDigests = digests;
        _readerOptions = new PduReaderOptions
        {
            Digests = digests,
            Direction = PduDirection.FromTarget,
            MaxRecvDataSegmentLength = parameters.InitiatorMaxRecvDataSegmentLength,
        };
        MaxSendDataSegmentLength = parameters.TargetMaxRecvDataSegmentLength;
        LastReceived = Environment.TickCount64;
    }

    public string ConnectionId => _transport.ConnectionId;

    public EndPoint? RemoteEndPoint => _transport.RemoteEndPoint;

    public DigestOptions SendDigests { get; }

    /// <summary>The target's MaxRecvDataSegmentLength: no data segment sent may be longer.</summary>
    public int MaxSendDataSegmentLength { get; }

    public PipeWriter Output => _transport.Output;

    /// <summary><see cref="Environment.TickCount64"/> of the last PDU received.</summary>
    public long LastReceived { get; private set; }

    public bool IsEnded => Volatile.Read(ref _ended) != 0;

    public CancellationToken Closing => _closing.Token;

    public string? EndReason { get; private set; }

    public void Start() => _readLoop = Task.Run(ReadLoopAsync);

    /// <summary>Encodes one PDU into the output (the caller is the session's single writer).</summary>
    public int Write<TPdu>(in TPdu pdu) where TPdu : struct, IIscsiPdu<TPdu>
    {
        int written = IscsiPduWriter.Write(_transport.Output, pdu, SendDigests);
        _pdusSent++; // only the session's single writer writes
        _bytesSent += written;
        if (_sessionCounters is not null)
        {
            Interlocked.Increment(ref _sessionCounters.PdusSent);
        }

        return written;
    }

    /// <summary>A snapshot of this connection's counters.</summary>
    public ConnectionStatistics Statistics => new(ConnectionId, RemoteEndPoint, Interlocked.Read(ref _pdusReceived), Interlocked.Read(ref _bytesReceived),
        Interlocked.Read(ref _pdusSent), Interlocked.Read(ref _bytesSent));

    /// <summary>Writes raw bytes (hand-built PDUs for conformance tests).</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes) => _transport.Output.Write(bytes);

    public long UnflushedBytes => _transport.Output.CanGetUnflushedBytes ? _transport.Output.UnflushedBytes : 0;

    /// <summary>Flushes; false (and the connection is failed) when the transport is gone.</summary>
    public async ValueTask<bool> FlushAsync()
    {
        try
        {
            FlushResult result = await _transport.Output.FlushAsync(_closing.Token).ConfigureAwait(false);
            if (result.IsCompleted || result.IsCanceled)
            {
                Fail("the target stopped reading");
                return false;
            }

            return true;
        }
        catch (Exception error) when (error is IOException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
        {
            Fail($"sending failed: {error.Message}");
            return false;
        }
    }

    /// <summary>Ends the connection abortively and tells the session (once).</summary>
    public void Fail(string reason)
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        EndReason = reason;
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _transport.Abort(reason);
        _owner.OnConnectionLost(this, reason);
    }

    private async Task ReadLoopAsync()
    {
        PipeReader input = _transport.Input;
        string reason = "the target closed the connection";
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(_closing.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                try
                {
                    while (IscsiPduReader.TryRead(ref buffer, _readerOptions, out IscsiPdu pdu))
                    {
                        LastReceived = Environment.TickCount64;
                        Interlocked.Increment(ref _pdusReceived);
                        Interlocked.Add(ref _bytesReceived, pdu.WireLength);
                        if (_logger.IsEnabled(LogLevel.Trace))
                        {
                            InitiatorLog.PduReceived(_logger, ConnectionId, pdu.Opcode, pdu.Header.InitiatorTaskTag, pdu.Header.DataSegmentLength);
                        }

                        _owner.OnPdu(this, pdu);
                        if (IsEnded)
                        {
                            return;
                        }
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    if (!buffer.IsEmpty)
                    {
                        reason = $"the stream ended inside a PDU ({buffer.Length} bytes buffered)";
                    }

                    break;
                }
            }
        }
        catch (IscsiProtocolException error)
        {
            reason = "protocol error: " + error.Message;
            InitiatorLog.ProtocolError(_logger, ConnectionId, error.Message);
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            reason = EndReason ?? "closed";
        }
        catch (Exception error) when (error is IOException or InvalidOperationException or ObjectDisposedException)
        {
            reason = error.Message;
        }
#pragma warning disable CA1031 // The read loop must never fault unobserved: any failure ends the connection.
        catch (Exception error)
#pragma warning restore CA1031
        {
            reason = "unexpected failure: " + error.Message;
            InitiatorLog.ProtocolError(_logger, ConnectionId, error.ToString());
        }

        Fail(reason);
    }

    /// <summary>Closes the connection after a logout: output completed, transport disposed.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            EndReason ??= "closed";
            try
            {
                _closing.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _transport.DisposeAsync().ConfigureAwait(false);
        _closing.Dispose();
    }
}
