using System.Buffers;
using StateSave.Iscsi.InBand;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Scsi;
using StateSave.Scsi.InBand;
using StateSave.Target.InBand;
using StateSave.Target.Tests.TestSupport;

namespace StateSave.Target.Tests.InBand;

/// <summary>The target side of in-band state save (specs/in-band-state-save.md §1, §2, §4.4) against a scripted initiator.</summary>
[TestFixture]
public sealed class InBandChannelTests
{
    private static readonly TextKeyValue Proposal = new(InBandStateSaveKey.Name, "Yes");

    private sealed class RecordingSink : IStateSaveDataSink
    {
        public List<(ulong Offset, byte[] Data)> Writes { get; } = [];

        public ValueTask WriteAsync(ulong bufferOffset, ReadOnlySequence<byte> data, CancellationToken cancellationToken)
        {
            Writes.Add((bufferOffset, data.ToArray()));
            return ValueTask.CompletedTask;
        }
    }

    private static async Task<(InMemoryTarget Target, TestInitiator Initiator, TargetSessionInfo Session)> CapableSessionAsync()
    {
        InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice(), inBandStateSave: true);
        TestInitiator initiator = await target.ConnectAsync();
        (LoginResponsePdu response, IReadOnlyList<TextKeyValue> pairs) = await initiator.LoginAsync(InMemoryTarget.TargetName, [Proposal]);
        Assert.That(response.Status, Is.EqualTo(LoginStatus.Success));
        Assert.That(pairs, Does.Contain(new TextKeyValue(InBandStateSaveKey.Name, "Yes")));
        return (target, initiator, target.Server.GetSessions().Single());
    }

    private static async Task<StateSaveRequestPdu> ReceiveRequestAsync(TestInitiator initiator)
    {
        ReceivedPdu? received = await initiator.ReceiveAsync();
        Assert.That(received?.Opcode, Is.EqualTo(IscsiOpcode.VendorSpecificTarget3C));
        Assert.That(StateSaveRequestPdu.TryParse(received!.As<VendorSpecificPdu>(), out StateSaveRequestPdu request, out string? error), Is.True, error);
        return request;
    }

    private static Task SendDataAsync(TestInitiator initiator, uint tag, uint dataSN, ulong offset, byte[] data, bool final = false,
        ScsiStatus? status = null, uint residual = 0) =>
        initiator.SendAsync(new StateSaveDataPdu
        {
            VendorTaskTag = tag, DataSN = dataSN, BufferOffset = offset, Final = final, StatusPresent = status is not null,
            Status = status ?? ScsiStatus.Good, ResidualCount = residual, DataSegment = new ReadOnlySequence<byte>(data),
        }.ToVendorSpecificPdu());

    [Test]
    public async Task The_key_is_answered_No_when_the_target_does_not_enable_it_and_the_session_is_not_capable()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice());
        await using TestInitiator initiator = await target.ConnectAsync();
        (_, IReadOnlyList<TextKeyValue> pairs) = await initiator.LoginAsync(InMemoryTarget.TargetName, [Proposal]);
        TargetSessionInfo session = target.Server.GetSessions().Single();
        Assert.That(pairs, Does.Contain(new TextKeyValue(InBandStateSaveKey.Name, "No")));
        Assert.That(session.InBandStateSave, Is.False);
        Assert.That(() => target.Server.SendStateSaveRequestAsync(session, new StateSaveRequest(0, 1, new byte[16]), null, TimeSpan.FromSeconds(5)),
            Throws.InvalidOperationException);
    }

    [Test]
    public async Task A_stock_initiator_never_sees_the_key_and_its_vendor_PDUs_are_rejected()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice(), inBandStateSave: true);
        await using TestInitiator initiator = await target.ConnectAsync();
        (_, IReadOnlyList<TextKeyValue> pairs) = await initiator.LoginAsync(InMemoryTarget.TargetName);
        await SendDataAsync(initiator, 1, 0, 0, [], final: true, status: ScsiStatus.Good);
        ReceivedPdu? reject = await initiator.ReceiveAsync();
        Assert.Multiple(() =>
        {
            Assert.That(pairs.Select(p => p.Key), Does.Not.Contain(InBandStateSaveKey.Name));
            Assert.That(target.Server.GetSessions().Single().InBandStateSave, Is.False);
            Assert.That(reject?.As<RejectPdu>().Reason, Is.EqualTo(RejectReason.CommandNotSupported));
        });
    }

    [Test]
    public async Task A_state_save_request_goes_out_as_a_3Ch_PDU_and_its_GOOD_answer_comes_back()
    {
        (InMemoryTarget target, TestInitiator initiator, TargetSessionInfo session) = await CapableSessionAsync();
        await using (target)
        await using (initiator)
        {
            byte[] parameters = new StateSaveParameters(DateTimeOffset.UnixEpoch, "drive 3", "failed").Encode();
            byte[] cdb = new StateSaveCdb(StateSaveScope.All, 0x77, (uint)parameters.Length).ToArray();
            Task<StateSaveAnswer> answer = target.Server.SendStateSaveRequestAsync(session,
                new StateSaveRequest(0, 0x77, cdb) { ParameterList = parameters }, null, TimeSpan.FromSeconds(10));
            StateSaveRequestPdu request = await ReceiveRequestAsync(initiator);
            byte[] received = new byte[16];
            request.CopyCdbTo(received);
            await SendDataAsync(initiator, request.VendorTaskTag, 0, 0, [], final: true, status: ScsiStatus.Good);

            StateSaveAnswer result = await answer;
            Assert.Multiple(() =>
            {
                Assert.That(request.FailureId, Is.EqualTo(0x77));
                Assert.That(received, Is.EqualTo(cdb));
                Assert.That(request.ParameterList.ToArray(), Is.EqualTo(parameters));
                Assert.That(result, Is.EqualTo(new StateSaveAnswer(ScsiStatus.Good, null, 0, 0)));
            });
        }
    }

    [Test]
    public async Task Read_buffer_data_arrives_in_order_at_its_offsets()
    {
        (InMemoryTarget target, TestInitiator initiator, TargetSessionInfo session) = await CapableSessionAsync();
        await using (target)
        await using (initiator)
        {
            var sink = new RecordingSink();
            byte[] cdb = new ErrorHistoryReadCdb(0x11, 1000, 100).ToArray();
            Task<StateSaveAnswer> answer = target.Server.SendStateSaveRequestAsync(session,
                new StateSaveRequest(0, 5, cdb) { BufferOffset = 1000, AllocationLength = 100 }, sink, TimeSpan.FromSeconds(10));
            StateSaveRequestPdu request = await ReceiveRequestAsync(initiator);
            await SendDataAsync(initiator, request.VendorTaskTag, 0, 1000, [.. Enumerable.Repeat((byte)1, 60)]);
            await SendDataAsync(initiator, request.VendorTaskTag, 1, 1060, [.. Enumerable.Repeat((byte)2, 30)], final: true, status: ScsiStatus.Good, residual: 10);

            StateSaveAnswer result = await answer;
            Assert.Multiple(() =>
            {
                Assert.That(result, Is.EqualTo(new StateSaveAnswer(ScsiStatus.Good, null, 90, 10)));
                Assert.That(sink.Writes.Select(w => (w.Offset, w.Data.Length)), Is.EqualTo(new[] { (1000ul, 60), (1060ul, 30) }));
            });
        }
    }

    [Test]
    public async Task A_check_condition_answer_carries_its_sense()
    {
        (InMemoryTarget target, TestInitiator initiator, TargetSessionInfo session) = await CapableSessionAsync();
        await using (target)
        await using (initiator)
        {
            Task<StateSaveAnswer> answer = target.Server.SendStateSaveRequestAsync(session,
                new StateSaveRequest(0, 5, new ErrorHistoryReadCdb(0x30, 0, 100).ToArray()) { AllocationLength = 100 }, null, TimeSpan.FromSeconds(10));
            StateSaveRequestPdu request = await ReceiveRequestAsync(initiator);
            SenseData sense = SenseData.IllegalRequest(AdditionalSenseCode.InvalidFieldInCdb, 2);
            byte[] senseBytes = new byte[sense.EncodedLength];
            sense.Encode(senseBytes);
            byte[] segment = new byte[2 + senseBytes.Length];
            SenseSegment.Encode(segment, senseBytes);
            await SendDataAsync(initiator, request.VendorTaskTag, 0, 0, segment, final: true, status: ScsiStatus.CheckCondition);

            StateSaveAnswer result = await answer;
            Assert.That(result.Status, Is.EqualTo(ScsiStatus.CheckCondition));
            Assert.That(result.Sense?.AdditionalSenseCode, Is.EqualTo(AdditionalSenseCode.InvalidFieldInCdb));
        }
    }

    [TestCase(1u, 0ul, 10, "DataSN 1, expected 0")]
    [TestCase(0u, 5ul, 10, "buffer offset 5, expected 0")]
    [TestCase(0u, 0ul, 101, "more than the allocation length 100")]
    public async Task An_answer_that_breaks_the_rules_fails_the_exchange_with_the_reason(uint dataSN, ulong offset, int length, string reason)
    {
        (InMemoryTarget target, TestInitiator initiator, TargetSessionInfo session) = await CapableSessionAsync();
        await using (target)
        await using (initiator)
        {
            Task<StateSaveAnswer> answer = target.Server.SendStateSaveRequestAsync(session,
                new StateSaveRequest(0, 5, new ErrorHistoryReadCdb(0x10, 0, 100).ToArray()) { AllocationLength = 100 }, new RecordingSink(), TimeSpan.FromSeconds(10));
            StateSaveRequestPdu request = await ReceiveRequestAsync(initiator);
            await SendDataAsync(initiator, request.VendorTaskTag, dataSN, offset, new byte[length]);

            var error = Assert.ThrowsAsync<StateSaveProtocolException>(async () => await answer);
            Assert.That(error!.Message, Does.Contain(reason));
            Assert.That(target.Server.GetSessions().Single().InBandStateSave, Is.True, "the session goes on");
        }
    }

    [Test]
    public async Task A_request_nobody_answers_times_out_and_a_late_answer_is_rejected()
    {
        (InMemoryTarget target, TestInitiator initiator, TargetSessionInfo session) = await CapableSessionAsync();
        await using (target)
        await using (initiator)
        {
            Task<StateSaveAnswer> answer = target.Server.SendStateSaveRequestAsync(session,
                new StateSaveRequest(0, 5, new StateSaveCdb(StateSaveScope.All, 5, 0).ToArray()), null, TimeSpan.FromMilliseconds(200));
            StateSaveRequestPdu request = await ReceiveRequestAsync(initiator);
            Assert.ThrowsAsync<TimeoutException>(async () => await answer);
            await SendDataAsync(initiator, request.VendorTaskTag, 0, 0, [], final: true, status: ScsiStatus.Good);
            ReceivedPdu? reject = await initiator.ReceiveAsync();
            Assert.That(reject?.As<RejectPdu>().Reason, Is.EqualTo(RejectReason.InvalidPduField));
        }
    }

    [Test]
    public async Task A_lost_connection_fails_the_outstanding_request()
    {
        (InMemoryTarget target, TestInitiator initiator, TargetSessionInfo session) = await CapableSessionAsync();
        await using (target)
        {
            Task<StateSaveAnswer> answer = target.Server.SendStateSaveRequestAsync(session,
                new StateSaveRequest(0, 5, new StateSaveCdb(StateSaveScope.All, 5, 0).ToArray()), null, TimeSpan.FromSeconds(30));
            await ReceiveRequestAsync(initiator);
            await initiator.DisposeAsync();
            Assert.ThrowsAsync<IOException>(async () => await answer);
        }
    }

    [Test]
    public async Task A_scsi_async_event_reaches_the_initiator_with_its_sense()
    {
        (InMemoryTarget target, TestInitiator initiator, TargetSessionInfo session) = await CapableSessionAsync();
        await using (target)
        await using (initiator)
        {
            SenseData sense = SenseData.UnitAttention(new AdditionalSenseCode(0x80, 0x01)) with { Information = 0x77 };
            await target.Server.SendScsiAsyncEventAsync(session, 0, sense);
            ReceivedPdu? received = await initiator.ReceiveAsync();
            AsynchronousMessagePdu message = received!.As<AsynchronousMessagePdu>();
            Assert.That(message.AsyncEvent, Is.EqualTo(AsyncEvent.ScsiAsyncEvent));
            byte[] data = message.DataSegment.ToArray();
            Assert.That(SenseData.TryDecode(data.AsSpan(2, (data[0] << 8) | data[1]), out SenseData decoded), Is.True);
            Assert.That((decoded.SenseKey, decoded.AdditionalSenseCode, decoded.Information), Is.EqualTo((SenseKey.UnitAttention, new AdditionalSenseCode(0x80, 0x01), (ulong?)0x77)));
        }
    }
}
