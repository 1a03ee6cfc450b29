using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Iscsi.Transport;
using StateSave.Scsi;

namespace StateSave.Benchmarks.Target;

/// <summary>
/// The least initiator that can drive the target: one logged-in connection, commands sent from
/// <see cref="PreparedCommand"/>s into numbered slots, and responses read synchronously until the expected number
/// of statuses arrived (Data-In with the S bit, or SCSI Response), Data-In copied into the slot's buffer and R2Ts
/// answered from it. After the login it allocates nothing per command, so what a benchmark measures is the target.
/// </summary>
internal sealed class RawInitiator : IAsyncDisposable
{
    /// <summary>Commands that may be outstanding at once; the slot is the low bits of the Initiator Task Tag.</summary>
    public const int SlotCount = 64;

    private const int SlotBits = 6;
    private const int MaxRecvDataSegmentLength = 262144;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private readonly IIscsiTransportConnection _connection;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly PduReaderOptions _readerOptions = new() { Direction = PduDirection.FromTarget, MaxRecvDataSegmentLength = MaxRecvDataSegmentLength };
    private readonly BlockingAwaiter _awaiter = new();
    private readonly Slot[] _slots = new Slot[SlotCount];
    private uint _cmdSN;
    private uint _maxCmdSN;
    private uint _expStatSN;
    private uint _taskSequence;

    private RawInitiator(IIscsiTransportConnection connection, in LoginResponsePdu login, int maxSendDataSegmentLength)
    {
        _connection = connection;
        _input = connection.Input;
        _output = connection.Output;
        _cmdSN = login.ExpCmdSN;
        _maxCmdSN = login.MaxCmdSN;
        _expStatSN = login.StatSN + 1;
        MaxSendDataSegmentLength = maxSendDataSegmentLength;
        for (int i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new Slot();
        }
    }

    /// <summary>The target's MaxRecvDataSegmentLength: the largest Data-Out this side sends.</summary>
    public int MaxSendDataSegmentLength { get; }

    /// <summary>
    /// Logs in to <paramref name="targetName"/> over <paramref name="connection"/> straight from the operational stage
    /// (no security stage: the target has no CHAP) with <paramref name="keys"/> and no digests, answering any key the
    /// target offers back, and returns the client in the full feature phase. Synchronous like the rest of the client, so
    /// that none of its code ever runs as a continuation on a target thread.
    /// </summary>
    public static RawInitiator Login(IIscsiTransportConnection connection, Isid isid, string targetName, IEnumerable<TextKeyValue> keys)
    {
        List<TextKeyValue> pairs =
        [
            new(TextKeyNames.InitiatorName, "iqn.2026-11.org.statesave:bench-initiator"),
            new(TextKeyNames.SessionType, "Normal"),
            new(TextKeyNames.TargetName, targetName),
            new(TextKeyNames.HeaderDigest, TextKeyNames.None),
            new(TextKeyNames.DataDigest, TextKeyNames.None),
            new(TextKeyNames.MaxRecvDataSegmentLength, MaxRecvDataSegmentLength.ToString(CultureInfo.InvariantCulture)),
            .. keys,
        ];
        var proposed = new HashSet<string>(pairs.Select(p => p.Key), StringComparer.Ordinal);
        var options = new PduReaderOptions { Direction = PduDirection.FromTarget, MaxRecvDataSegmentLength = 8192 };
        var answered = new Dictionary<string, string>(StringComparer.Ordinal);
        using var awaiter = new BlockingAwaiter();
        uint expStatSN = 0;
        for (int round = 0; round < 4; round++)
        {
            var request = new LoginRequestPdu
            {
                Transit = true,
                CurrentStage = LoginStage.LoginOperationalNegotiation,
                NextStage = LoginStage.FullFeaturePhase,
                Isid = isid,
                CmdSN = 1,
                ExpStatSN = expStatSN,
                DataSegment = new ReadOnlySequence<byte>(TextCodec.Encode(pairs)),
            };
            IscsiPduWriter.Write(connection.Output, request);
            awaiter.Wait(connection.Output.FlushAsync(), s_timeout);

            (LoginResponsePdu response, IReadOnlyList<TextKeyValue> text) = ReadLoginResponse(connection.Input, options, awaiter);
            if (!response.Status.IsSuccess)
            {
                throw new InvalidOperationException($"The login to {targetName} failed: status {response.Status}.");
            }

            expStatSN = response.StatSN + 1;
            foreach (TextKeyValue pair in text)
            {
                answered[pair.Key] = pair.Value;
            }

            if (response.Transit && response.NextStage == LoginStage.FullFeaturePhase)
            {
                int targetMaxRecv = answered.TryGetValue(TextKeyNames.MaxRecvDataSegmentLength, out string? value)
                    ? int.Parse(value, CultureInfo.InvariantCulture) : PduReaderOptions.DefaultMaxRecvDataSegmentLength;
                return new RawInitiator(connection, response, targetMaxRecv);
            }

            // T=0: the target offered keys of its own (the rest answers ours); take each offer (the last of a list, e.g.
            // "CRC32C,None") and ask to transit again.
            pairs = [.. text.Where(p => s_negotiatedKeys.Contains(p.Key) && !proposed.Contains(p.Key)).Select(p => new TextKeyValue(p.Key, p.Value.Split(',')[^1]))];
        }

        throw new InvalidOperationException($"The login to {targetName} did not reach the full feature phase.");
    }

    /// <summary>Gives slot <paramref name="slot"/> the buffer Data-In is copied into and the one Data-Out is sent from.</summary>
    public void SetBuffers(int slot, byte[]? dataIn, byte[]? dataOut)
    {
        _slots[slot].DataIn = dataIn;
        _slots[slot].DataOut = dataOut;
    }

    /// <summary>The status the last command in <paramref name="slot"/> ended with.</summary>
    public ScsiStatus StatusOf(int slot) => _slots[slot].Status;

    /// <summary>Writes <paramref name="command"/> in <paramref name="slot"/> with the next CmdSN (no flush).</summary>
    public void Send(PreparedCommand command, int slot)
    {
        if ((int)(_cmdSN - _maxCmdSN) > 0)
        {
            throw new InvalidOperationException($"CmdSN {_cmdSN} is beyond the window (MaxCmdSN {_maxCmdSN}).");
        }

        // Task tags never repeat soon (the target may still hold a just-completed task under its tag) and are never FFFFFFFFh.
        uint tag = (++_taskSequence << SlotBits) | (uint)slot;
        _slots[slot].Tag = tag;
        command.WriteTo(_output, tag, _cmdSN++, _expStatSN);
    }

    /// <summary>Flushes what was written to the target.</summary>
    public void Flush()
    {
        FlushResult flushed = _awaiter.Wait(_output.FlushAsync(), s_timeout);
        if (flushed.IsCompleted || flushed.IsCanceled)
        {
            throw new InvalidOperationException("The target closed the connection.");
        }
    }

    /// <summary>
    /// Reads until <paramref name="count"/> commands have their status. With <paramref name="requireGood"/> a status
    /// other than GOOD throws; otherwise see <see cref="StatusOf"/>.
    /// </summary>
    public void ReceiveStatuses(int count, bool requireGood = true)
    {
        int received = 0;
        while (received < count)
        {
            ReadResult result = _awaiter.Wait(_input.ReadAsync(), s_timeout);
            ReadOnlySequence<byte> buffer = result.Buffer;
            try
            {
                while (received < count && IscsiPduReader.TryRead(ref buffer, _readerOptions, out IscsiPdu pdu))
                {
                    if (Handle(pdu, requireGood))
                    {
                        received++;
                    }
                }
            }
            finally
            {
                // Once done, whatever else is buffered stays unexamined so that the next read returns it at once.
                _input.AdvanceTo(buffer.Start, received < count ? buffer.End : buffer.Start);
            }

            if (received < count && (result.IsCompleted || result.IsCanceled))
            {
                throw new InvalidOperationException("The target closed the connection.");
            }
        }
    }

    /// <summary>Handles one PDU from the target; true when it carried a command's status.</summary>
    private bool Handle(in IscsiPdu pdu, bool requireGood)
    {
        switch (pdu.Opcode)
        {
            case IscsiOpcode.ScsiDataIn:
            {
                ScsiDataInPdu dataIn = pdu.As<ScsiDataInPdu>();
                Slot slot = SlotOf(dataIn.InitiatorTaskTag);
                if (!dataIn.DataSegment.IsEmpty)
                {
                    byte[] destination = slot.DataIn ?? throw new InvalidOperationException("Data-In for a command without a Data-In buffer.");
                    dataIn.DataSegment.CopyTo(destination.AsSpan(checked((int)dataIn.BufferOffset)));
                }

                UpdateWindow(dataIn.MaxCmdSN);
                if (!dataIn.HasStatus)
                {
                    return false;
                }

                _expStatSN = dataIn.StatSN + 1;
                Complete(slot, dataIn.Status, requireGood);
                return true;
            }

            case IscsiOpcode.ScsiResponse:
            {
                ScsiResponsePdu response = pdu.As<ScsiResponsePdu>();
                Slot slot = SlotOf(response.InitiatorTaskTag);
                UpdateWindow(response.MaxCmdSN);
                _expStatSN = response.StatSN + 1;
                if (response.Response != ScsiServiceResponse.CommandCompletedAtTarget)
                {
                    throw new InvalidOperationException($"SCSI Response with service response {response.Response}.");
                }

                Complete(slot, response.Status, requireGood);
                return true;
            }

            case IscsiOpcode.ReadyToTransfer:
            {
                ReadyToTransferPdu r2t = pdu.As<ReadyToTransferPdu>();
                UpdateWindow(r2t.MaxCmdSN);
                SendDataOut(r2t);
                return false;
            }

            default:
                throw new InvalidOperationException($"Unexpected {pdu.Opcode} from the target.");
        }
    }

    /// <summary>Answers an R2T (RFC 7143 §11.8) with the Data-Out PDUs of the sequence it asks for, then flushes.</summary>
    private void SendDataOut(in ReadyToTransferPdu r2t)
    {
        Slot slot = SlotOf(r2t.InitiatorTaskTag);
        byte[] source = slot.DataOut ?? throw new InvalidOperationException("R2T for a command without a Data-Out buffer.");
        int offset = checked((int)r2t.BufferOffset);
        int end = checked(offset + (int)r2t.DesiredDataTransferLength);
        uint dataSN = 0;
        while (offset < end)
        {
            int length = Math.Min(MaxSendDataSegmentLength, end - offset);
            IscsiPduWriter.Write(_output, new ScsiDataOutPdu
            {
                Final = offset + length == end,
                InitiatorTaskTag = r2t.InitiatorTaskTag,
                TargetTransferTag = r2t.TargetTransferTag,
                ExpStatSN = _expStatSN,
                DataSN = dataSN++,
                BufferOffset = (uint)offset,
                DataSegment = new ReadOnlySequence<byte>(source, offset, length),
            });
            offset += length;
        }

        Flush();
    }

    private Slot SlotOf(uint initiatorTaskTag)
    {
        Slot slot = _slots[initiatorTaskTag & (SlotCount - 1)];
        return slot.Tag == initiatorTaskTag ? slot : throw new InvalidOperationException($"A PDU for ITT 0x{initiatorTaskTag:x8}, which is not outstanding.");
    }

    private static void Complete(Slot slot, ScsiStatus status, bool requireGood)
    {
        slot.Status = status;
        if (requireGood && status != ScsiStatus.Good)
        {
            throw new InvalidOperationException($"The command ITT 0x{slot.Tag:x8} ended with {status}.");
        }
    }

    // RFC 7143 §4.2.2.1: MaxCmdSN only moves forward (serial number arithmetic).
    private void UpdateWindow(uint maxCmdSN)
    {
        if ((int)(maxCmdSN - _maxCmdSN) > 0)
        {
            _maxCmdSN = maxCmdSN;
        }
    }

    private static (LoginResponsePdu Response, IReadOnlyList<TextKeyValue> Text) ReadLoginResponse(PipeReader input, PduReaderOptions options, BlockingAwaiter awaiter)
    {
        while (true)
        {
            ReadResult result = awaiter.Wait(input.ReadAsync(), s_timeout);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (IscsiPduReader.TryRead(ref buffer, options, out IscsiPdu pdu))
            {
                if (pdu.Opcode != IscsiOpcode.LoginResponse)
                {
                    throw new InvalidOperationException($"{pdu.Opcode} during the login.");
                }

                LoginResponsePdu response = pdu.As<LoginResponsePdu>();
                IReadOnlyList<TextKeyValue> text = TextCodec.Decode(pdu.DataSegment);
                input.AdvanceTo(buffer.Start);
                return (response, text);
            }

            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new InvalidOperationException("The target closed the connection during the login.");
            }
        }
    }

    private static readonly HashSet<string> s_negotiatedKeys =
    [
        TextKeyNames.HeaderDigest, TextKeyNames.DataDigest, TextKeyNames.MaxConnections, TextKeyNames.InitialR2T, TextKeyNames.ImmediateData,
        TextKeyNames.MaxBurstLength, TextKeyNames.FirstBurstLength, TextKeyNames.DefaultTime2Wait, TextKeyNames.DefaultTime2Retain,
        TextKeyNames.MaxOutstandingR2T, TextKeyNames.DataPDUInOrder, TextKeyNames.DataSequenceInOrder, TextKeyNames.ErrorRecoveryLevel,
    ];

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _awaiter.Dispose();
    }

    /// <summary>One outstanding command: its tag, buffers and final status.</summary>
    private sealed class Slot
    {
        public uint Tag { get; set; } = ReservedTag.Value;

        public byte[]? DataIn { get; set; }

        public byte[]? DataOut { get; set; }

        public ScsiStatus Status { get; set; }
    }
}
