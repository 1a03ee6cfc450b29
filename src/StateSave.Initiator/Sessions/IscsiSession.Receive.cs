using System.Buffers;
using StateSave.Initiator.Commands;
using StateSave.Initiator.Connections;
using StateSave.Initiator.Logging;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Scsi;

namespace StateSave.Initiator.Sessions;

/// <summary>
/// The read path, called by the connection's read loop for each PDU while its buffer is valid. Every target PDU
/// updates the CmdSN window (RFC 7143 §4.2.2.1) and, when it carries a status, acknowledges StatSN. Anything that
/// breaks the protocol throws <see cref="IscsiProtocolException"/>: the connection ends and the session recovers.
/// </summary>
public sealed partial class IscsiSession
{
    private const int StatSNOffset = 24;
    private const int ExpCmdSNOffset = 28;
    private const int MaxCmdSNOffset = 32;
    private const byte ResetOccurredAsc = 0x29;

    private readonly Dictionary<ulong, int> _absorbedAttentions = [];
    private int _reinstatements;

    void IConnectionOwner.OnPdu(InitiatorConnection connection, in IscsiPdu pdu)
    {
        if (connection.IsEnded)
        {
            return; // the connection was given up (its commands are queued again): what it still delivers is ignored
        }

        Interlocked.Increment(ref _counters.PdusReceived);
        BasicHeaderSegment header = pdu.Header;
        UpdateWindow(header.ReadUInt32(ExpCmdSNOffset), header.ReadUInt32(MaxCmdSNOffset));
        switch (pdu.Opcode)
        {
            case IscsiOpcode.ScsiDataIn:
                OnDataIn(pdu);
                break;
            case IscsiOpcode.ScsiResponse:
                OnScsiResponse(pdu);
                break;
            case IscsiOpcode.ReadyToTransfer:
                OnReadyToTransfer(pdu);
                break;
            case IscsiOpcode.NopIn:
                OnNopIn(connection, pdu);
                break;
            case IscsiOpcode.TaskManagementFunctionResponse:
            case IscsiOpcode.LogoutResponse:
            case IscsiOpcode.TextResponse:
                AcknowledgeStatSN(header.ReadUInt32(StatSNOffset));
                OnControlResponse(pdu);
                break;
            case IscsiOpcode.AsynchronousMessage:
                AcknowledgeStatSN(header.ReadUInt32(StatSNOffset));
                OnAsynchronousMessage(connection, pdu);
                break;
            case IscsiOpcode.Reject:
                AcknowledgeStatSN(header.ReadUInt32(StatSNOffset));
                OnReject(connection, pdu);
                break;
            case IscsiOpcode.VendorSpecificTarget3C or IscsiOpcode.VendorSpecificTarget3D or IscsiOpcode.VendorSpecificTarget3E:
                OnVendorSpecific(connection, pdu);
                break;
            default:
                throw new IscsiProtocolException($"The target sent {pdu.Opcode} in the full feature phase.");
        }
    }

    private void UpdateWindow(uint expCmdSN, uint maxCmdSN)
    {
        bool wake = false;
        lock (_gate)
        {
            // RFC 7143 §4.2.2.1: MaxCmdSN below ExpCmdSN - 1 is invalid and both values are ignored.
            if (SerialNumber.LessThan(maxCmdSN, expCmdSN - 1))
            {
                return;
            }

            if (SerialNumber.GreaterThan(expCmdSN, _expCmdSN))
            {
                _expCmdSN = expCmdSN;
            }

            if (SerialNumber.GreaterThan(maxCmdSN, _maxCmdSN))
            {
                bool wasClosed = !WindowOpenLocked;
                _maxCmdSN = maxCmdSN;
                wake = wasClosed && (_pendingCommands.Count > 0 || _pendingControl.Count > 0);
            }
        }

        if (wake)
        {
            _pumpSignal.Set();
        }
    }

    private void AcknowledgeStatSN(uint statSN)
    {
        lock (_gate)
        {
            if (SerialNumber.GreaterThan(statSN + 1, _expStatSN))
            {
                _expStatSN = statSN + 1;
            }
        }
    }

    private void OnDataIn(in IscsiPdu pdu)
    {
        ScsiDataInPdu dataIn = pdu.As<ScsiDataInPdu>();
        InitiatorTask? task;
        lock (_gate)
        {
            task = FindTaskLocked(dataIn.InitiatorTaskTag);
            if (task is null)
            {
                // A late PDU for a command that was aborted or already answered: nothing to place it in.
                return;
            }

            if (!task.IsRead || !task.Issued)
            {
                throw new IscsiProtocolException($"Data-In for ITT 0x{dataIn.InitiatorTaskTag:x8}, a command that reads no data.");
            }

            if (dataIn.DataSN != task.NextDataSN)
            {
                // ErrorRecoveryLevel 0 cannot ask for the missing PDU (no SNACK): the connection is dropped (RFC 7143 §7.1.4.3).
                throw new IscsiProtocolException($"Data-In for ITT 0x{dataIn.InitiatorTaskTag:x8} has DataSN {dataIn.DataSN}; {task.NextDataSN} was expected.");
            }
        }

        long length = dataIn.DataSegment.Length;
        if (dataIn.BufferOffset + length > task.DataIn.Length)
        {
            throw new IscsiProtocolException(
                $"Data-In for ITT 0x{dataIn.InitiatorTaskTag:x8} writes {length} bytes at offset {dataIn.BufferOffset}, past the {task.DataIn.Length}-byte buffer.");
        }

        // Straight from the receive buffer into the caller's memory.
        dataIn.DataSegment.CopyTo(task.DataIn.Span[(int)dataIn.BufferOffset..]);
        Interlocked.Add(ref _counters.BytesRead, length);
        lock (_gate)
        {
            task.NextDataSN++;
            task.DataInLength = Math.Max(task.DataInLength, (int)(dataIn.BufferOffset + length));
            if (dataIn.HasStatus)
            {
                AcknowledgeStatSNLocked(dataIn.StatSN);
                CompleteLocked(task, new ScsiCommandResponse
                {
                    Outcome = CommandOutcome.Completed,
                    ServiceResponse = ScsiServiceResponse.CommandCompletedAtTarget,
                    Status = dataIn.Status,
                    ResidualUnderflow = dataIn.ResidualUnderflow,
                    ResidualOverflow = dataIn.ResidualOverflow,
                    ResidualCount = dataIn.ResidualCount,
                    DataInLength = task.DataInLength,
                });
            }
        }
    }

    private void AcknowledgeStatSNLocked(uint statSN)
    {
        if (SerialNumber.GreaterThan(statSN + 1, _expStatSN))
        {
            _expStatSN = statSN + 1;
        }
    }

    private void OnScsiResponse(in IscsiPdu pdu)
    {
        ScsiResponsePdu response = pdu.As<ScsiResponsePdu>();
        lock (_gate)
        {
            AcknowledgeStatSNLocked(response.StatSN);
            InitiatorTask? task = FindTaskLocked(response.InitiatorTaskTag);
            if (task is null)
            {
                return;
            }

            if (!response.TryGetSenseData(out ReadOnlySequence<byte> sense, out _))
            {
                throw new IscsiProtocolException($"SCSI Response for ITT 0x{response.InitiatorTaskTag:x8}: SenseLength runs past the data segment.");
            }

            SenseData? decoded = null;
            int senseLength = (int)Math.Min(sense.Length, task.SenseBuffer.Length);
            if (senseLength > 0)
            {
                sense.Slice(0, senseLength).CopyTo(task.SenseBuffer);
                if (SenseData.TryDecode(task.SenseBuffer.AsSpan(0, senseLength), out SenseData value))
                {
                    decoded = value;
                }
            }

            if (response.Status == ScsiStatus.CheckCondition && decoded is { SenseKey: SenseKey.UnitAttention } ua
                && ua.AdditionalSenseCode.Asc == ResetOccurredAsc && ua.AdditionalSenseCode.Ascq is 0x00 or 0x07
                && AbsorbReinstatementAttentionLocked(task))
            {
                return;
            }

            CompleteLocked(task, new ScsiCommandResponse
            {
                Outcome = response.Response == ScsiServiceResponse.CommandCompletedAtTarget ? CommandOutcome.Completed : CommandOutcome.TargetFailure,
                ServiceResponse = response.Response,
                Status = response.Status,
                Sense = decoded,
                SenseLength = (int)sense.Length,
                ResidualUnderflow = response.ResidualUnderflow,
                ResidualOverflow = response.ResidualOverflow,
                ResidualCount = response.ResidualCount,
                DataInLength = task.DataInLength,
            });
        }
    }

    /// <summary>
    /// A reinstatement makes the target report "power on, reset, or bus device reset occurred" (29h/00h) or "I_T nexus
    /// loss occurred" (29h/07h) once per LU
    /// on the new nexus. The session caused it, so the first such unit attention per LU after each reinstatement is
    /// absorbed: the command is queued again instead of failing. Later unit attentions reach the caller.
    /// </summary>
    private bool AbsorbReinstatementAttentionLocked(InitiatorTask task)
    {
        if (_reinstatements == 0 || (_absorbedAttentions.TryGetValue(task.Lun, out int seen) && seen == _reinstatements))
        {
            return false;
        }

        _absorbedAttentions[task.Lun] = _reinstatements;
        task.ResetWireState();
        _pendingCommands.Enqueue(task);
        _pumpSignal.Set();
        return true;
    }

    private void OnReadyToTransfer(in IscsiPdu pdu)
    {
        ReadyToTransferPdu r2t = pdu.As<ReadyToTransferPdu>();
        Interlocked.Increment(ref _counters.R2TsReceived);
        lock (_gate)
        {
            InitiatorTask? task = FindTaskLocked(r2t.InitiatorTaskTag);
            if (task is null)
            {
                return;
            }

            if (!task.IsWrite || !task.Issued)
            {
                throw new IscsiProtocolException($"R2T for ITT 0x{r2t.InitiatorTaskTag:x8}, a command that writes no data.");
            }

            if ((ulong)r2t.BufferOffset + r2t.DesiredDataTransferLength > task.ExpectedDataTransferLength)
            {
                throw new IscsiProtocolException(
                    $"R2T for ITT 0x{r2t.InitiatorTaskTag:x8} asks for {r2t.DesiredDataTransferLength} bytes at {r2t.BufferOffset}, past the Expected Data Transfer Length {task.ExpectedDataTransferLength}.");
            }

            if (r2t.DesiredDataTransferLength > (uint)_parameters.MaxBurstLength)
            {
                throw new IscsiProtocolException($"R2T asks for {r2t.DesiredDataTransferLength} bytes, over MaxBurstLength {_parameters.MaxBurstLength} (RFC 7143 §13.13).");
            }

            if (task.OutstandingR2T >= _parameters.MaxOutstandingR2T)
            {
                throw new IscsiProtocolException($"More than MaxOutstandingR2T={_parameters.MaxOutstandingR2T} R2Ts outstanding for ITT 0x{r2t.InitiatorTaskTag:x8}.");
            }

            task.OutstandingR2T++;
            _pendingDataOut.Enqueue(new DataOutWork(task, task.InitiatorTaskTag, r2t.TargetTransferTag, r2t.BufferOffset, r2t.DesiredDataTransferLength));
        }

        _pumpSignal.Set();
    }

    private void OnNopIn(InitiatorConnection connection, in IscsiPdu pdu)
    {
        NopInPdu nopIn = pdu.As<NopInPdu>();
        if (nopIn.InitiatorTaskTag != ReservedTag.Value)
        {
            AcknowledgeStatSN(nopIn.StatSN);
            OnControlResponse(pdu);
            return;
        }

        if (nopIn.TargetTransferTag == ReservedTag.Value)
        {
            return; // an unsolicited NOP-In that wants no answer (StatSN not advanced)
        }

        // A ping from the target: answer with a NOP-Out echoing the TTT, LUN and data (RFC 7143 §11.18.1).
        var reply = new PingOperation
        {
            Lun = nopIn.Lun,
            TargetTransferTag = nopIn.TargetTransferTag,
            Data = nopIn.DataSegment.IsEmpty ? ReadOnlyMemory<byte>.Empty : nopIn.DataSegment.ToArray(),
        };
        lock (_gate)
        {
            _pendingControl.Enqueue(reply);
        }

        Interlocked.Increment(ref _counters.PingsAnswered);
        InitiatorLog.PingAnswered(_logger, connection.ConnectionId, nopIn.TargetTransferTag);
        _pumpSignal.Set();
    }

    private void OnControlResponse(in IscsiPdu pdu)
    {
        uint tag = pdu.Header.InitiatorTaskTag;
        ControlOperation? operation;
        lock (_gate)
        {
            if (!_controls.Remove(tag, out operation))
            {
                return; // an answer to an operation already given up (timed out)
            }
        }

        bool finished = operation.Handle(pdu, out ControlOperation? followUp);
        if (operation is TaskManagementOperation management && management.Completion.IsCompletedSuccessfully)
        {
            OnTaskManagementDone(management, management.Completion.Result);
        }

        lock (_gate)
        {
            if (!finished)
            {
                _controls[tag] = operation;
            }

            if (followUp is not null)
            {
                _controls[tag] = followUp;
                _pendingControl.Enqueue(followUp);
            }
        }

        if (followUp is not null)
        {
            _pumpSignal.Set();
        }
    }

    /// <summary>
    /// After a task management response no more PDUs come for the tasks it ended (RFC 7143 §11.6.1), so those still
    /// waiting complete as aborted: the referenced task, every command sent to the LU before the request, or all.
    /// </summary>
    private void OnTaskManagementDone(TaskManagementOperation management, TaskManagementResponse response)
    {
        InitiatorLog.TaskManagement(_logger, management.Function, management.Lun, management.ReferencedTaskTag, response);
        bool done = response == TaskManagementResponse.FunctionComplete
            || (management.Function == TaskManagementFunction.AbortTask && response == TaskManagementResponse.TaskDoesNotExist);
        if (!done)
        {
            return;
        }

        var aborted = new ScsiCommandResponse { Outcome = CommandOutcome.Aborted };
        lock (_gate)
        {
            foreach (InitiatorTask? task in _tasks)
            {
                if (task is not { InUse: true, Completed: false, Issued: true })
                {
                    continue;
                }

                bool affected = management.Function switch
                {
                    TaskManagementFunction.AbortTask => task.InitiatorTaskTag == management.ReferencedTaskTag,
                    TaskManagementFunction.AbortTaskSet or TaskManagementFunction.ClearTaskSet or TaskManagementFunction.LogicalUnitReset =>
                        task.Lun == management.Lun && SerialNumber.LessThan(task.CmdSN, management.SentCmdSN),
                    TaskManagementFunction.TargetWarmReset or TaskManagementFunction.TargetColdReset => true,
                    _ => false,
                };
                if (affected)
                {
                    CompleteLocked(task, aborted);
                }
            }
        }
    }

    private void OnReject(InitiatorConnection connection, in IscsiPdu pdu)
    {
        RejectPdu reject = pdu.As<RejectPdu>();
        BasicHeaderSegment rejected = reject.RejectedHeader;
        uint tag = rejected.InitiatorTaskTag;
        Interlocked.Increment(ref _counters.ProtocolErrors);
        InitiatorLog.PduRejected(_logger, connection.ConnectionId, (byte)rejected.Opcode, tag, reject.Reason);
        ControlOperation? operation = null;
        lock (_gate)
        {
            if (rejected.Opcode is IscsiOpcode.ScsiCommand or IscsiOpcode.ScsiDataOut)
            {
                if (FindTaskLocked(tag) is { } task)
                {
                    CompleteLocked(task, new ScsiCommandResponse { Outcome = CommandOutcome.ProtocolError, RejectReason = reject.Reason });
                }
            }
            else if (tag != ReservedTag.Value)
            {
                _controls.Remove(tag, out operation);
            }
        }

        operation?.Fail(new IscsiSessionException($"The target rejected the {rejected.Opcode} request: {reject.Reason}."));
    }
}
