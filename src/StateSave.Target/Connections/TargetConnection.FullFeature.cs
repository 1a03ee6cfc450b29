using System.Buffers;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Target.Logging;
using StateSave.Target.Sessions;

namespace StateSave.Target.Connections;

internal sealed partial class TargetConnection
{
    private long _lastReceivedTicks = Environment.TickCount64;
    private uint _outstandingPingTag = ReservedTag.Value;

    /// <summary>Dispatches one full feature phase PDU (RFC 7143 §11). Returns false when the connection ends.</summary>
    private async ValueTask<bool> HandleFullFeaturePduAsync(IscsiPdu pdu)
    {
        TargetSession session = Session!;
        Volatile.Write(ref _lastReceivedTicks, Environment.TickCount64);
        switch (pdu.Opcode)
        {
            case IscsiOpcode.NopOut:
                await HandleNopOutAsync(session, pdu).ConfigureAwait(false);
                return true;
            case IscsiOpcode.TextRequest:
                await HandleTextRequestAsync(session, pdu).ConfigureAwait(false);
                return true;
            case IscsiOpcode.LogoutRequest:
                return await HandleLogoutAsync(session, pdu).ConfigureAwait(false);
            case IscsiOpcode.ScsiCommand when !session.IsDiscovery:
                await HandleScsiCommandAsync(session, pdu).ConfigureAwait(false);
                return true;
            case IscsiOpcode.ScsiDataOut when !session.IsDiscovery:
                HandleDataOut(session, pdu);
                return true;
            case IscsiOpcode.TaskManagementFunctionRequest when !session.IsDiscovery:
                HandleTaskManagement(session, pdu);
                return true;
            case IscsiOpcode.SnackRequest:
                // ErrorRecoveryLevel 0: no SNACK support (RFC 7143 §11.16).
                await SendRejectAsync(RejectReason.SnackReject, pdu.Header, "SNACK at ErrorRecoveryLevel 0").ConfigureAwait(false);
                return true;
            case IscsiOpcode.ScsiCommand or IscsiOpcode.ScsiDataOut or IscsiOpcode.TaskManagementFunctionRequest:
                // RFC 7143 §4.3: a discovery session carries only Text, NOP and Logout.
                await SendRejectAsync(RejectReason.ProtocolError, pdu.Header, $"{pdu.Opcode} in a discovery session").ConfigureAwait(false);
                return true;
            case IscsiOpcode.LoginRequest:
                await SendRejectAsync(RejectReason.ProtocolError, pdu.Header, "a Login Request in the full feature phase").ConfigureAwait(false);
                return true;
            case IscsiOpcode.VendorSpecificInitiator1C or IscsiOpcode.VendorSpecificInitiator1D or IscsiOpcode.VendorSpecificInitiator1E:
                await HandleVendorSpecificAsync(session, pdu).ConfigureAwait(false);
                return true;
            default:
                await SendRejectAsync(RejectReason.CommandNotSupported, pdu.Header, $"{pdu.Opcode} is not supported").ConfigureAwait(false);
                return true;
        }
    }

    /// <summary>NOP-Out (RFC 7143 §11.18): a ping to answer, or the answer to the target's ping.</summary>
    private async ValueTask HandleNopOutAsync(TargetSession session, IscsiPdu pdu)
    {
        NopOutPdu ping = pdu.As<NopOutPdu>();
        if (ping.InitiatorTaskTag == ReservedTag.Value)
        {
            // An answer to a NOP-In of ours (TTT echoed), or a ping that wants no answer. Never advances CmdSN.
            if (ping.TargetTransferTag == _outstandingPingTag)
            {
                _outstandingPingTag = ReservedTag.Value;
            }

            return;
        }

        if (!session.TryAcceptCmdSN(ping.CmdSN, ping.Immediate, isTask: false))
        {
            return;
        }

        byte[] echo = ping.DataSegment.ToArray(); // bounded by the declared MaxRecvDataSegmentLength
        var reply = new NopInPdu
        {
            Lun = ping.Lun,
            InitiatorTaskTag = ping.InitiatorTaskTag,
            TargetTransferTag = ReservedTag.Value,
            DataSegment = new ReadOnlySequence<byte>(echo),
        };
        await SendAsync(reply, advanceStatSN: true).ConfigureAwait(false);
    }

    /// <summary>Target-initiated pings (RFC 7143 §11.19): a NOP-In when the line is idle, and a deadline for its answer.</summary>
    private void StartPings()
    {
        TimeSpan interval = _server.Limits.NopInInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        _ = PingLoopAsync(interval, _server.Limits.NopInTimeout);
    }

    private async Task PingLoopAsync(TimeSpan interval, TimeSpan timeout)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_closing.Token).ConfigureAwait(false))
            {
                if (Environment.TickCount64 - Volatile.Read(ref _lastReceivedTicks) < interval.TotalMilliseconds)
                {
                    continue;
                }

                uint tag = NextTargetTransferTag();
                _outstandingPingTag = tag;
                await SendAsync(new NopInPdu { InitiatorTaskTag = ReservedTag.Value, TargetTransferTag = tag }, advanceStatSN: false).ConfigureAwait(false);
                await Task.Delay(timeout, _closing.Token).ConfigureAwait(false);
                if (_outstandingPingTag == tag)
                {
                    TargetLog.NopInTimeout(_logger, ConnectionId, timeout);
                    Close("the initiator did not answer a NOP-In ping");
                    return;
                }
            }
        }
        catch (Exception error) when (error is OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The connection closed.
        }
    }

    /// <summary>Logout (RFC 7143 §11.14): waits for the session's commands, answers, and ends the connection.</summary>
    private async ValueTask<bool> HandleLogoutAsync(TargetSession session, IscsiPdu pdu)
    {
        LogoutRequestPdu logout = pdu.As<LogoutRequestPdu>();
        if (!session.TryAcceptCmdSN(logout.CmdSN, logout.Immediate, isTask: false))
        {
            return true;
        }

        TargetLog.LogoutReceived(_logger, session.Tsih, logout.Reason, logout.Cid);
        LogoutResponseCode code = logout.Reason switch
        {
            LogoutReason.CloseSession => LogoutResponseCode.ClosedSuccessfully,
            LogoutReason.CloseConnection when logout.Cid == Cid => LogoutResponseCode.ClosedSuccessfully,
            LogoutReason.CloseConnection => LogoutResponseCode.CidNotFound,
            _ => LogoutResponseCode.ConnectionRecoveryNotSupported, // ErrorRecoveryLevel 0
        };

        if (code == LogoutResponseCode.ClosedSuccessfully)
        {
            await IscsiTargetServer.WaitForTasksAsync(session.Tasks.Snapshot(), TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }

        var response = new LogoutResponsePdu
        {
            Response = code,
            InitiatorTaskTag = logout.InitiatorTaskTag,
            Time2Wait = 0,
            Time2Retain = 0,
        };
        await SendAsync(response, advanceStatSN: true).ConfigureAwait(false);
        if (code != LogoutResponseCode.ClosedSuccessfully)
        {
            return true;
        }

        _endReason = "logged out";
        return false;
    }
}
