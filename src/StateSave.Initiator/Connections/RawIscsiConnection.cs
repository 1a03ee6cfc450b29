using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using StateSave.Initiator.Login;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Transport;

namespace StateSave.Initiator.Connections;

/// <summary>
/// A logged-in connection with no protocol logic above framing, for conformance testing: the caller sends typed PDUs
/// (encoded with the negotiated digests) or hand-built bytes, and receives every PDU the target sends, in order,
/// copied. Sequence numbers are the caller's business; <see cref="CmdSN"/> and <see cref="ExpStatSN"/> start where
/// the login left them, and <see cref="ExpStatSN"/> follows the StatSN of status-bearing PDUs as they are received.
/// </summary>
public sealed class RawIscsiConnection : IAsyncDisposable
{
    private readonly IIscsiTransportConnection _transport;
    private readonly Channel<RawPdu> _received = Channel.CreateUnbounded<RawPdu>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _readLoop;
    private uint _expStatSN;

    internal RawIscsiConnection(IIscsiTransportConnection transport, LoginResult login)
    {
        _transport = transport;
        Parameters = login.Parameters;
        Tsih = login.Tsih;
        CmdSN = login.ExpCmdSN;
        MaxCmdSN = login.MaxCmdSN;
        _expStatSN = login.ExpStatSN;
        Digests = (Parameters.HeaderDigest == DigestType.Crc32C ? DigestOptions.HeaderDigest : DigestOptions.None)
            | (Parameters.DataDigest == DigestType.Crc32C ? DigestOptions.DataDigest : DigestOptions.None);
        _readLoop = Task.Run(ReadLoopAsync);
    }

    public NegotiatedParameters Parameters { get; }

    public ushort Tsih { get; }

    public DigestOptions Digests { get; }

    /// <summary>The next CmdSN to use (the caller advances it).</summary>
    public uint CmdSN { get; set; }

    /// <summary>The MaxCmdSN most recently received.</summary>
    public uint MaxCmdSN { get; private set; }

    public uint ExpStatSN
    {
        get => Volatile.Read(ref _expStatSN);
        set => Volatile.Write(ref _expStatSN, value);
    }

    /// <summary>Why the connection ended (null while open).</summary>
    public string? EndReason { get; private set; }

    /// <summary>Completes when the target closed the connection or the framing failed.</summary>
    public Task Closed => _readLoop;

    /// <summary>Sends one typed PDU with the negotiated digests.</summary>
    public async Task SendAsync<TPdu>(TPdu pdu, CancellationToken cancellationToken = default) where TPdu : struct, IIscsiPdu<TPdu>
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            IscsiPduWriter.Write(_transport.Output, pdu, Digests);
            await _transport.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Sends bytes exactly as given (a hand-built or deliberately malformed PDU; digests are the caller's).</summary>
    public async Task SendBytesAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _transport.Output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The next PDU from the target; null when none arrives within <paramref name="timeout"/> or the connection ended.</summary>
    public async Task<RawPdu?> ReceiveAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            return await _received.Reader.ReadAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Receives until a PDU of <paramref name="opcode"/> arrives (others are skipped); null on timeout or end.</summary>
    public async Task<RawPdu?> ReceiveAsync(IscsiOpcode opcode, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            long left = deadline - Environment.TickCount64;
            if (left <= 0)
            {
                return null;
            }

            RawPdu? pdu = await ReceiveAsync(TimeSpan.FromMilliseconds(left), cancellationToken).ConfigureAwait(false);
            if (pdu is null || pdu.Opcode == opcode)
            {
                return pdu;
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        var options = new PduReaderOptions
        {
            Digests = Digests,
            Direction = PduDirection.FromTarget,
            MaxRecvDataSegmentLength = Parameters.InitiatorMaxRecvDataSegmentLength,
        };
        PipeReader input = _transport.Input;
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync(_closing.Token).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                try
                {
                    while (IscsiPduReader.TryRead(ref buffer, options, out IscsiPdu pdu))
                    {
                        Track(pdu);
                        _received.Writer.TryWrite(new RawPdu(pdu));
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    EndReason = buffer.IsEmpty ? "the target closed the connection" : "the stream ended inside a PDU";
                    break;
                }
            }
        }
        catch (IscsiProtocolException error)
        {
            EndReason = "framing error: " + error.Message;
        }
        catch (OperationCanceledException)
        {
            EndReason = "closed";
        }
        catch (Exception error) when (error is IOException or InvalidOperationException or ObjectDisposedException)
        {
            EndReason = error.Message;
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }

    private void Track(in IscsiPdu pdu)
    {
        BasicHeaderSegment header = pdu.Header;
        bool hasStatus = pdu.Opcode switch
        {
            IscsiOpcode.ScsiResponse or IscsiOpcode.TaskManagementFunctionResponse or IscsiOpcode.LogoutResponse or IscsiOpcode.TextResponse
                or IscsiOpcode.AsynchronousMessage or IscsiOpcode.Reject => true,
            IscsiOpcode.ScsiDataIn => (header[1] & 0x01) != 0,
            IscsiOpcode.NopIn => header.InitiatorTaskTag != ReservedTag.Value,
            _ => false,
        };
        if (hasStatus)
        {
            ExpStatSN = header.ReadUInt32(24) + 1;
        }

        if (pdu.Opcode != IscsiOpcode.LoginResponse)
        {
            MaxCmdSN = header.ReadUInt32(32);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _transport.Abort("raw connection closed");
        await _readLoop.ConfigureAwait(false);
        await _transport.DisposeAsync().ConfigureAwait(false);
        _closing.Dispose();
        _writeLock.Dispose();
    }
}
