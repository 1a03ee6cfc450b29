using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using StateSave.Initiator.Connections;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Iscsi.Transport;

namespace StateSave.Initiator.Tests.TestSupport;

/// <summary>
/// A fake target on an in-memory network whose every connection runs a test script: it can send anything (well-formed
/// or not) and sees every PDU the initiator sends. Login is answered minimally (no keys, straight to the full feature phase).
/// </summary>
internal sealed class ScriptedTarget : IAsyncDisposable
{
    private readonly IIscsiTransportListener _listener;
    private readonly Func<ScriptedConnection, Task> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accept;
    private readonly List<Task> _scripts = [];
    private int _connections;

    public ScriptedTarget(Func<ScriptedConnection, Task> script)
    {
        _script = script;
        _listener = Network.Listen(new InMemoryEndPoint("scripted"));
        _accept = AcceptAsync();
    }

    public InMemoryTransport Network { get; } = new();

    public InMemoryEndPoint Portal => (InMemoryEndPoint)_listener.LocalEndPoint;

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Failures of scripts (assertions made inside a script surface here).</summary>
    public List<Exception> Errors { get; } = [];

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            IIscsiTransportConnection? transport;
            try
            {
                transport = await _listener.AcceptAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (transport is null)
            {
                return;
            }

            int index = Interlocked.Increment(ref _connections);
            var connection = new ScriptedConnection(transport, index);
            lock (_scripts)
            {
                _scripts.Add(Task.Run(async () =>
                {
                    try
                    {
                        await _script(connection);
                    }
#pragma warning disable CA1031
                    catch (Exception error)
#pragma warning restore CA1031
                    {
                        lock (Errors)
                        {
                            Errors.Add(error);
                        }
                    }
                    finally
                    {
                        await connection.DisposeAsync();
                    }
                }));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _listener.DisposeAsync();
        await _accept;
        Task[] scripts;
        lock (_scripts)
        {
            scripts = [.. _scripts];
        }

        await Task.WhenAll(scripts).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}

internal sealed class ScriptedConnection : IAsyncDisposable
{
    private readonly IIscsiTransportConnection _transport;
    private readonly Channel<RawPdu> _received = Channel.CreateUnbounded<RawPdu>();
    private readonly Task _reader;

    public ScriptedConnection(IIscsiTransportConnection transport, int index)
    {
        _transport = transport;
        Index = index;
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>1 for the first connection, 2 for the reinstatement ...</summary>
    public int Index { get; }

    public uint StatSN { get; set; } = 100;

    public uint ExpCmdSN { get; set; }

    /// <summary>Window size: MaxCmdSN = ExpCmdSN + Window - 1 (0 closes the window).</summary>
    public int Window { get; set; } = 32;

    public uint MaxCmdSN => ExpCmdSN + (uint)Window - 1;

    public async Task<RawPdu> ReceiveAsync(TimeSpan? timeout = null) =>
        await TryReceiveAsync(timeout ?? TimeSpan.FromSeconds(5)) ?? throw new TimeoutException("The initiator sent nothing.");

    public async Task<RawPdu?> TryReceiveAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            RawPdu pdu = await _received.Reader.ReadAsync(limit.Token);
            Track(pdu);
            return pdu;
        }
        catch (Exception error) when (error is OperationCanceledException or ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Receives until <paramref name="opcode"/> (answering NOP-Out pings on the way is the script's job).</summary>
    public async Task<RawPdu> ReceiveAsync(IscsiOpcode opcode, TimeSpan? timeout = null)
    {
        while (true)
        {
            RawPdu pdu = await ReceiveAsync(timeout);
            if (pdu.Opcode == opcode)
            {
                return pdu;
            }
        }
    }

    private void Track(RawPdu pdu)
    {
        BasicHeaderSegment h = pdu.Header;
        bool sequenced = pdu.Opcode is IscsiOpcode.ScsiCommand or IscsiOpcode.TextRequest or IscsiOpcode.LogoutRequest or IscsiOpcode.TaskManagementFunctionRequest
            or IscsiOpcode.NopOut;
        if (sequenced && !h.Immediate && h.ReadUInt32(24) == ExpCmdSN && !(pdu.Opcode == IscsiOpcode.NopOut && h.InitiatorTaskTag == ReservedTag.Value))
        {
            ExpCmdSN++;
        }
    }

    /// <summary>Answers the login minimally: security stage to operational, operational to full feature phase.</summary>
    public async Task LoginAsync(ushort tsih = 7)
    {
        while (true)
        {
            RawPdu pdu = await ReceiveAsync(IscsiOpcode.LoginRequest);
            LoginRequestPdu request = pdu.As<LoginRequestPdu>();
            ExpCmdSN = request.CmdSN;
            LoginStage next = request.CurrentStage == LoginStage.SecurityNegotiation ? LoginStage.LoginOperationalNegotiation : LoginStage.FullFeaturePhase;
            await SendAsync(new LoginResponsePdu
            {
                Transit = true, CurrentStage = request.CurrentStage, NextStage = next, Isid = request.Isid, Tsih = tsih,
                InitiatorTaskTag = request.InitiatorTaskTag, StatSN = StatSN++, ExpCmdSN = ExpCmdSN, MaxCmdSN = MaxCmdSN, Status = LoginStatus.Success,
            });
            if (next == LoginStage.FullFeaturePhase)
            {
                return;
            }
        }
    }

    public async Task SendAsync<TPdu>(TPdu pdu) where TPdu : struct, IIscsiPdu<TPdu>
    {
        IscsiPduWriter.Write(_transport.Output, pdu);
        await _transport.Output.FlushAsync();
    }

    public async Task SendBytesAsync(byte[] bytes)
    {
        await _transport.Output.WriteAsync(bytes);
    }

    /// <summary>A GOOD SCSI Response for <paramref name="command"/>.</summary>
    public Task RespondAsync(RawPdu command, StateSave.Scsi.ScsiStatus status = StateSave.Scsi.ScsiStatus.Good, byte[]? senseSegment = null) =>
        SendAsync(new ScsiResponsePdu
        {
            InitiatorTaskTag = command.InitiatorTaskTag, Status = status, Response = ScsiServiceResponse.CommandCompletedAtTarget,
            StatSN = StatSN++, ExpCmdSN = ExpCmdSN, MaxCmdSN = MaxCmdSN,
            DataSegment = senseSegment is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(senseSegment),
        });

    public void Abort() => _transport.Abort("script closed the connection");

    /// <summary>
    /// Plays a well-behaved target until the initiator logs out or goes away: commands get GOOD (reads get zeros in a
    /// phase-collapsed Data-In), pings are echoed, task management is complete. <paramref name="intercept"/> sees each
    /// PDU first and returns true when it handled it.
    /// </summary>
    public async Task ServeAsync(Func<RawPdu, Task<bool>>? intercept = null, TimeSpan? idle = null)
    {
        while (await TryReceiveAsync(idle ?? TimeSpan.FromSeconds(20)) is { } pdu)
        {
            if (intercept is not null && await intercept(pdu))
            {
                continue;
            }

            switch (pdu.Opcode)
            {
                case IscsiOpcode.ScsiCommand:
                {
                    ScsiCommandPdu command = pdu.As<ScsiCommandPdu>();
                    if (command.Read && command.ExpectedDataTransferLength > 0)
                    {
                        await SendAsync(new ScsiDataInPdu
                        {
                            Final = true, HasStatus = true, Status = StateSave.Scsi.ScsiStatus.Good, InitiatorTaskTag = command.InitiatorTaskTag,
                            StatSN = StatSN++, ExpCmdSN = ExpCmdSN, MaxCmdSN = MaxCmdSN, DataSN = 0,
                            DataSegment = new ReadOnlySequence<byte>(new byte[command.ExpectedDataTransferLength]),
                        });
                    }
                    else
                    {
                        await RespondAsync(pdu);
                    }

                    break;
                }

                case IscsiOpcode.NopOut when pdu.InitiatorTaskTag != ReservedTag.Value:
                    await SendAsync(new NopInPdu
                    {
                        InitiatorTaskTag = pdu.InitiatorTaskTag, StatSN = StatSN++, ExpCmdSN = ExpCmdSN, MaxCmdSN = MaxCmdSN,
                        DataSegment = new ReadOnlySequence<byte>(pdu.Data),
                    });
                    break;
                case IscsiOpcode.TaskManagementFunctionRequest:
                    await SendAsync(new TaskManagementFunctionResponsePdu
                    {
                        InitiatorTaskTag = pdu.InitiatorTaskTag, Response = TaskManagementResponse.FunctionComplete, StatSN = StatSN++, ExpCmdSN = ExpCmdSN,
                        MaxCmdSN = MaxCmdSN,
                    });
                    break;
                case IscsiOpcode.LogoutRequest:
                    await SendAsync(new LogoutResponsePdu
                    {
                        InitiatorTaskTag = pdu.InitiatorTaskTag, Response = LogoutResponseCode.ClosedSuccessfully, StatSN = StatSN++, ExpCmdSN = ExpCmdSN,
                        MaxCmdSN = MaxCmdSN,
                    });
                    return;
            }
        }
    }

    public Task Closed => _reader;

    private async Task ReadAsync()
    {
        var options = new PduReaderOptions { Direction = PduDirection.FromInitiator, MaxRecvDataSegmentLength = 1024 * 1024 };
        try
        {
            while (true)
            {
                (bool read, IscsiPdu pdu, SequencePosition consumed) = await IscsiPduReader.ReadAsync(_transport.Input, options);
                if (!read)
                {
                    break;
                }

                var copy = new RawPdu(pdu);
                _transport.Input.AdvanceTo(consumed);
                _received.Writer.TryWrite(copy);
            }
        }
        catch (Exception error) when (error is IscsiProtocolException or IOException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _transport.Abort("script ended");
        await _reader;
        await _transport.DisposeAsync();
    }
}
