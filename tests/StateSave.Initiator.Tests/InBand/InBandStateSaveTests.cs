using System.Buffers;
using StateSave.Initiator.Configuration;
using StateSave.Initiator.InBand;
using StateSave.Initiator.Scsi;
using StateSave.Initiator.Sessions;
using StateSave.Initiator.Tests.TestSupport;
using StateSave.Scsi;
using StateSave.Scsi.InBand;
using StateSave.Target.InBand;

namespace StateSave.Initiator.Tests.InBand;

/// <summary>The initiator and the target speaking in-band state save to each other (specs/in-band-state-save.md §1-§3).</summary>
public class InBandStateSaveTests
{
    private sealed class Handler(byte[] buffer) : IInBandStateSaveHandler
    {
        public List<InBandStateSaveRequest> Requests { get; } = [];

        public async ValueTask HandleAsync(IscsiSession session, InBandStateSaveRequest request, CancellationToken cancellationToken)
        {
            lock (Requests)
            {
                Requests.Add(request);
            }

            if (request.Cdb.Span[0] == StateSaveCdb.OperationCode)
            {
                await new InBandStateSaveResponse(session, request).CompleteAsync(cancellationToken);
                return;
            }

            Assert.That(ErrorHistoryReadCdb.TryDecode(request.Cdb.Span, out ErrorHistoryReadCdb read), Is.Null);
            var response = new InBandStateSaveResponse(session, request, read.BufferOffset, read.AllocationLength);
            int start = (int)Math.Min(read.BufferOffset, (ulong)buffer.Length);
            int length = (int)Math.Min(read.AllocationLength, (uint)(buffer.Length - start));
            await response.WriteAsync(buffer.AsMemory(start, length), cancellationToken);
            await response.CompleteAsync(cancellationToken);
        }
    }

    private sealed class Collect : IStateSaveDataSink
    {
        public MemoryStream Data { get; } = new();

        public ValueTask WriteAsync(ulong bufferOffset, ReadOnlySequence<byte> data, CancellationToken cancellationToken)
        {
            Assert.That(bufferOffset, Is.EqualTo((ulong)Data.Length));
            foreach (ReadOnlyMemory<byte> segment in data)
            {
                Data.Write(segment.Span);
            }

            return ValueTask.CompletedTask;
        }
    }

    [Test]
    public async Task A_capable_session_answers_state_save_and_streams_a_buffer_larger_than_one_segment()
    {
        await using TestTarget target = await TestTarget.StartAsync(tcp: true, inBandStateSave: true);
        byte[] buffer = [.. Enumerable.Range(0, 700_000).Select(i => (byte)(i * 31))];
        var handler = new Handler(buffer);
        await using IscsiSession session = await target.LoginAsync(new InitiatorOptions { InBandStateSave = true, MaxRecvDataSegmentLength = 65536 });
        session.InBandStateSaveHandler = handler;
        TargetSessionInfo info = target.Server.GetSessions().Single();

        StateSaveAnswer saved = await target.Server.SendStateSaveRequestAsync(info,
            new StateSaveRequest(0, 9, new StateSaveCdb(StateSaveScope.All, 9, 0).ToArray()), null, TimeSpan.FromSeconds(10));
        var sink = new Collect();
        StateSaveAnswer first = await target.Server.SendStateSaveRequestAsync(info,
            new StateSaveRequest(0, 9, new ErrorHistoryReadCdb(0x10, 0, 512 * 1024).ToArray()) { AllocationLength = 512 * 1024 }, sink, TimeSpan.FromSeconds(10));
        StateSaveAnswer rest = await target.Server.SendStateSaveRequestAsync(info,
            new StateSaveRequest(0, 9, new ErrorHistoryReadCdb(0x10, 512 * 1024, 512 * 1024).ToArray())
            {
                BufferOffset = 512 * 1024, AllocationLength = 512 * 1024,
            }, sink, TimeSpan.FromSeconds(10));

        Assert.Multiple(() =>
        {
            Assert.That(session.InBandStateSave, Is.True);
            Assert.That(info.InBandStateSave, Is.True);
            Assert.That(saved.Status, Is.EqualTo(ScsiStatus.Good));
            Assert.That(handler.Requests[0].FailureId, Is.EqualTo(9));
            Assert.That((first.Status, first.BytesReceived, first.ResidualCount), Is.EqualTo((ScsiStatus.Good, 512L * 1024, 0u)));
            Assert.That((rest.Status, rest.BytesReceived, rest.ResidualCount), Is.EqualTo((ScsiStatus.Good, 700_000L - (512 * 1024), (uint)((1024 * 1024) - 700_000))));
            Assert.That(sink.Data.ToArray(), Is.EqualTo(buffer));
        });
    }

    [Test]
    public async Task Ordinary_io_keeps_flowing_while_a_request_is_being_answered()
    {
        await using TestTarget target = await TestTarget.StartAsync(tcp: true, inBandStateSave: true);
        var gate = new TaskCompletionSource();
        var handler = new GatedHandler(gate.Task);
        await using IscsiSession session = await target.LoginAsync(new InitiatorOptions { InBandStateSave = true });
        session.InBandStateSaveHandler = handler;
        TargetSessionInfo info = target.Server.GetSessions().Single();
        Task<StateSaveAnswer> pending = target.Server.SendStateSaveRequestAsync(info,
            new StateSaveRequest(0, 3, new StateSaveCdb(StateSaveScope.All, 3, 0).ToArray()), null, TimeSpan.FromSeconds(10));

        var client = new ScsiClient(session, LogicalUnitNumber.Zero);
        byte[] data = new byte[4096];
        for (int i = 0; i < 20; i++)
        {
            Assert.That((await client.Read10Async(0, 8, data)).IsGood, Is.True);
        }

        Assert.That(pending.IsCompleted, Is.False, "the handler still holds the request");
        gate.SetResult();
        Assert.That((await pending).Status, Is.EqualTo(ScsiStatus.Good));
    }

    [Test]
    public async Task Without_the_option_the_session_is_not_capable_and_a_session_without_a_handler_refuses()
    {
        await using TestTarget target = await TestTarget.StartAsync(tcp: true, inBandStateSave: true);
        await using IscsiSession stock = await target.LoginAsync();
        Assert.That(stock.InBandStateSave, Is.False);
        Assert.That(target.Server.GetSessions().Single().InBandStateSave, Is.False);

        await using IscsiSession capable = await target.LoginAsync(new InitiatorOptions { InBandStateSave = true, Isid = Iscsi.Protocol.Isid.FromFields(Iscsi.Protocol.Isid.TypeRandom, 0, 2, 2, 2) });
        TargetSessionInfo info = target.Server.GetSessions().Single(s => s.InBandStateSave);
        StateSaveAnswer refused = await target.Server.SendStateSaveRequestAsync(info,
            new StateSaveRequest(0, 1, new StateSaveCdb(StateSaveScope.All, 1, 0).ToArray()), null, TimeSpan.FromSeconds(10));
        Assert.That(refused.Status, Is.EqualTo(ScsiStatus.CheckCondition));
        Assert.That(refused.Sense?.AdditionalSenseCode, Is.EqualTo(AdditionalSenseCode.InvalidCommandOperationCode));
    }

    [Test]
    public async Task A_target_without_in_band_state_save_answers_No_and_the_login_succeeds()
    {
        await using TestTarget target = await TestTarget.StartAsync(tcp: true);
        await using IscsiSession session = await target.LoginAsync(new InitiatorOptions { InBandStateSave = true });
        Assert.That(session.InBandStateSave, Is.False);
    }

    private sealed class GatedHandler(Task gate) : IInBandStateSaveHandler
    {
        public async ValueTask HandleAsync(IscsiSession session, InBandStateSaveRequest request, CancellationToken cancellationToken)
        {
            await gate.WaitAsync(cancellationToken);
            await new InBandStateSaveResponse(session, request).CompleteAsync(cancellationToken);
        }
    }
}
