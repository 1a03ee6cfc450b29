using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.Buffers;
using StateSave.Storage.Tests.Reservations;
using static StateSave.Storage.Tests.Buffers.DataBuffersTests;

namespace StateSave.Storage.Tests.Buffers;

public class ErrorHistoryTests
{
    private ErrorHistory _history = null!;
    private DataBuffers _buffers = null!;

    [SetUp]
    public void SetUp()
    {
        _history = new ErrorHistory(t10VendorIdentification: "TEST");
        _buffers = new DataBuffers(errorHistory: _history);
    }

    [TearDown]
    public void TearDown() => _history.Dispose();

    private (ScsiCommandResult Result, byte[] Data) ReadHistory(byte bufferId, ITNexus nexus, uint offset = 0, uint length = 4096) =>
        Read(_buffers, 0x1c, bufferId, offset, length, nexus);

    private static byte[] Entry(ushort errorType, byte[] location, byte[] history, bool clear = false)
    {
        byte[] list = new byte[26 + location.Length + history.Length];
        "APPCLNT "u8.CopyTo(list);
        BinaryPrimitives.WriteUInt16BigEndian(list.AsSpan(8), errorType);
        list[10] = clear ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt16BigEndian(list.AsSpan(22), (ushort)location.Length);
        BinaryPrimitives.WriteUInt16BigEndian(list.AsSpan(24), (ushort)history.Length);
        location.CopyTo(list, 26);
        history.CopyTo(list, 26 + location.Length);
        return list;
    }

    [Test]
    public void Directory_is_byte_exact()
    {
        _history.Log.Record("boot");
        (ScsiCommandResult result, byte[] data) = ReadHistory(0x00, Nexuses.A);

        Assert.That(result, Is.EqualTo(ScsiCommandResult.Good));
        byte[] expected = new byte[32 + (6 * 8)];
        "TEST    "u8.CopyTo(expected);
        expected[8] = 1;
        expected[9] = (0x2 << 3) | (0x1 << 1) | 0x01;
        expected[31] = 48;
        for (int i = 0; i < 4; i++)
        {
            expected[32 + (8 * i)] = (byte)i;
            expected[32 + (8 * i) + 7] = 80;
        }

        expected[64] = 0x10;
        expected[72] = 0x11;
        expected[79] = 5; // "boot\n"
        Assert.That(data, Is.EqualTo(expected));
        Assert.That(_history.ErrorHistoryNexus, Is.EqualTo(Nexuses.A));

        Assert.That(ReadHistory(0x00, Nexuses.A).Data[9], Is.EqualTo((0x2 << 3) | (0x2 << 1) | 0x01), "made by a previous READ BUFFER");
    }

    [Test]
    public void Snapshot_buffers_read_at_offsets()
    {
        _history.Log.Record("first event");
        ReadHistory(0x01, Nexuses.A);
        _history.Log.Record("after the snapshot");

        Assert.That(ReadHistory(0x11, Nexuses.A).Data, Is.EqualTo("first event\n"u8.ToArray()));
        Assert.That(ReadHistory(0x11, Nexuses.A, offset: 6, length: 3).Data, Is.EqualTo("eve"u8.ToArray()));
        Assert.That(ReadHistory(0x11, Nexuses.A, offset: 12).Data, Is.Empty);
        Pr.AssertSense(ReadHistory(0x11, Nexuses.A, offset: 13).Result, SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 3, null);
        Pr.AssertSense(ReadHistory(0x12, Nexuses.A).Result, SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 2, null);
    }

    [Test]
    public void Other_nexus_gets_operation_in_progress_until_released()
    {
        ReadHistory(0x01, Nexuses.A);

        Pr.AssertSense(ReadHistory(0x00, Nexuses.B).Result, SenseKey.IllegalRequest, AdditionalSenseCode.OperationInProgress);
        Pr.AssertSense(ReadHistory(0x10, Nexuses.B).Result, SenseKey.IllegalRequest, AdditionalSenseCode.OperationInProgress);
        Pr.AssertSense(ReadHistory(0xff, Nexuses.B).Result, SenseKey.IllegalRequest, AdditionalSenseCode.OperationInProgress);

        Assert.That(ReadHistory(0xfe, Nexuses.A).Result, Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(_history.ErrorHistoryNexus, Is.Null);
        Assert.That(ReadHistory(0x10, Nexuses.B).Result, Is.EqualTo(ScsiCommandResult.Good), "snapshot kept, no owner");
        (ScsiCommandResult result, byte[] data) = ReadHistory(0x00, Nexuses.B);
        Assert.That(result, Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(data[9] >> 3, Is.EqualTo(0x1), "EHS_RETRIEVED: clear requested");
        Assert.That(_history.ErrorHistoryNexus, Is.EqualTo(Nexuses.B));
    }

    [Test]
    public void Buffer_id_02h_takes_the_error_history_over()
    {
        ReadHistory(0x01, Nexuses.A);
        Assert.That(ReadHistory(0x02, Nexuses.B).Result, Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(_history.ErrorHistoryNexus, Is.EqualTo(Nexuses.B));
        Pr.AssertSense(ReadHistory(0x10, Nexuses.A).Result, SenseKey.IllegalRequest, AdditionalSenseCode.OperationInProgress);
    }

    [Test]
    public void Buffer_id_ffh_releases_the_snapshot()
    {
        ReadHistory(0x01, Nexuses.A);
        Assert.That(ReadHistory(0xff, Nexuses.A).Result, Is.EqualTo(ScsiCommandResult.Good));
        Pr.AssertSense(ReadHistory(0x10, Nexuses.B).Result, SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 2, null);
    }

    [Test]
    public void Nexus_loss_clears_the_error_history_nexus()
    {
        ReadHistory(0x01, Nexuses.A);
        _buffers.OnNexusLost(Nexuses.A);
        Assert.That(ReadHistory(0x10, Nexuses.B).Result, Is.EqualTo(ScsiCommandResult.Good));
    }

    [TestCase((byte)0x04)]
    [TestCase((byte)0x0f)]
    [TestCase((byte)0xf0)]
    [TestCase((byte)0xfd)]
    public void Reserved_buffer_ids_are_invalid_field_in_cdb(byte bufferId)
    {
        Pr.AssertSense(ReadHistory(bufferId, Nexuses.A).Result, SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 2, null);
    }

    [Test]
    public void Directory_with_nonzero_offset_or_reserved_mode_specific_is_invalid()
    {
        Pr.AssertSense(ReadHistory(0x00, Nexuses.A, offset: 4).Result, SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 3, null);
        Pr.AssertSense(Read(_buffers, 0x5c, 0x00, 0, 64, Nexuses.A).Result, SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 1, 7);
    }

    [Test]
    public void Application_client_entries_are_stored_and_appear_in_the_snapshot()
    {
        byte[] entry = Entry(0x0102, [0xde, 0xad], [1, 2, 3]);
        Assert.That(Write(_buffers, 0x1c, 0x77, 0x123, entry, Nexuses.A), Is.EqualTo(ScsiCommandResult.Good));

        Assert.That(_history.Log.ApplicationClientEntries, Has.Count.EqualTo(1));
        Assert.That(_history.Log.ApplicationClientEntries[0], Is.EqualTo(entry));
        ReadHistory(0x01, Nexuses.B);
        Assert.That(ReadHistory(0x10, Nexuses.B).Data, Is.EqualTo(entry));
    }

    [Test]
    public void Clr_clears_the_application_client_history()
    {
        Write(_buffers, 0x1c, 0, 0, Entry(1, [], [1]));
        Assert.That(Write(_buffers, 0x1c, 0, 0, Entry(1, [], [], clear: true)), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(_history.Log.ApplicationClientEntries, Is.Empty);
    }

    [Test]
    public void Application_client_entry_errors()
    {
        byte[] entry = Entry(1, [1, 2], [3]);
        BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(22), 10);
        Pr.AssertSense(Write(_buffers, 0x1c, 0, 0, entry), SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInParameterList, 22, null, inCdb: false);

        entry = Entry(1, [1, 2], [3]);
        BinaryPrimitives.WriteUInt16BigEndian(entry.AsSpan(24), 2);
        Pr.AssertSense(Write(_buffers, 0x1c, 0, 0, entry), SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInParameterList, 24, null, inCdb: false);

        Pr.AssertSense(Write(_buffers, 0x1c, 0, 0, new byte[25]), SenseKey.IllegalRequest, AdditionalSenseCode.ParameterListLengthError, 6, null);
        Pr.AssertSense(Write(_buffers, 0x1c, 0, 0, [], length: ErrorHistory.MaximumApplicationClientEntryLength + 1), SenseKey.IllegalRequest,
            AdditionalSenseCode.InvalidFieldInCdb, 6, null);
        Assert.That(_history.Log.ApplicationClientEntries, Is.Empty);
    }

    [Test]
    public void Failing_or_invalid_source_is_command_sequence_error()
    {
        using var failing = new ErrorHistory(source: new ScriptedSource(() => throw new IOException("controller busy")));
        var buffers = new DataBuffers(errorHistory: failing);
        Pr.AssertSense(Read(buffers, 0x1c, 0x01, 0, 64, Nexuses.A).Result, SenseKey.IllegalRequest, AdditionalSenseCode.CommandSequenceError);

        using var invalid = new ErrorHistory(source: new ScriptedSource(() => [new ErrorHistoryBuffer(0x05, 0, 0, new byte[4])]));
        buffers = new DataBuffers(errorHistory: invalid);
        Pr.AssertSense(Read(buffers, 0x1c, 0x01, 0, 64, Nexuses.A).Result, SenseKey.IllegalRequest, AdditionalSenseCode.CommandSequenceError);
    }

    [Test]
    public void Injected_source_provides_the_buffers()
    {
        using var history = new ErrorHistory(source: new ScriptedSource(() =>
            [new ErrorHistoryBuffer(0x20, 0x01, 0x3, new byte[] { 7, 7 }), new ErrorHistoryBuffer(0x15, 0x00, 0x0, new byte[] { 5 })]));
        var buffers = new DataBuffers(errorHistory: history);
        byte[] directory = Read(buffers, 0x1c, 0x00, 0, 4096, Nexuses.A).Data;
        Assert.That(directory.AsSpan(64, 16).ToArray(), Is.EqualTo(new byte[] { 0x15, 0, 0, 0, 0, 0, 0, 1, 0x20, 0x01, 0x03, 0, 0, 0, 0, 2 }));
        Assert.That(Read(buffers, 0x1c, 0x20, 1, 10, Nexuses.A).Data, Is.EqualTo(new byte[] { 7 }));
    }

    private sealed class ScriptedSource(Func<IReadOnlyList<ErrorHistoryBuffer>> create) : IErrorHistorySource
    {
        public ValueTask<IReadOnlyList<ErrorHistoryBuffer>> CreateSnapshotAsync(bool currentInternalStatus, CancellationToken cancellationToken) =>
            ValueTask.FromResult(create());
    }
}
