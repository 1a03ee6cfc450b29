using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.Buffers;
using StateSave.Storage.Tests.Reservations;
using StateSave.Storage.Tests.TestSupport;

namespace StateSave.Storage.Tests.Buffers;

public class DataBuffersTests
{
    private DataBuffers _buffers = null!;

    [SetUp]
    public void SetUp() => _buffers = new DataBuffers(capacity: 1024, bufferCount: 2);

    internal static byte[] Cdb10(byte opcode, byte mode, byte bufferId, uint offset, uint length) =>
        [opcode, mode, bufferId, (byte)(offset >> 16), (byte)(offset >> 8), (byte)offset, (byte)(length >> 16), (byte)(length >> 8), (byte)length, 0];

    internal static (ScsiCommandResult Result, byte[] Data) Read(DataBuffers buffers, byte mode, byte bufferId, uint offset, uint length, ITNexus? nexus = null)
    {
        var command = new FakeScsiCommand(Cdb10(0x3c, mode, bufferId, offset, length), nexus: nexus);
        ScsiCommandResult result = buffers.ReadBufferAsync(command).AsTask().GetAwaiter().GetResult();
        return (result, command.DataIn);
    }

    internal static ScsiCommandResult Write(DataBuffers buffers, byte mode, byte bufferId, uint offset, byte[] data, ITNexus? nexus = null, uint? length = null) =>
        buffers.WriteBufferAsync(new FakeScsiCommand(Cdb10(0x3b, mode, bufferId, offset, length ?? (uint)data.Length), data, nexus: nexus))
            .AsTask().GetAwaiter().GetResult();

    [Test]
    public void Data_mode_round_trips_at_an_offset()
    {
        Assert.That(Write(_buffers, 0x02, 1, 100, [1, 2, 3, 4]), Is.EqualTo(ScsiCommandResult.Good));
        (ScsiCommandResult result, byte[] data) = Read(_buffers, 0x02, 1, 98, 8);
        Assert.That(result, Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(data, Is.EqualTo(new byte[] { 0, 0, 1, 2, 3, 4, 0, 0 }));
        Assert.That(Read(_buffers, 0x02, 0, 100, 4).Data, Is.EqualTo(new byte[4]), "buffer 0 untouched");
    }

    [Test]
    public void Data_mode_read_stops_at_capacity()
    {
        Assert.That(Read(_buffers, 0x02, 0, 1020, 100).Data, Has.Length.EqualTo(4));
    }

    [Test]
    public void Read_buffer_16_uses_its_own_field_layout()
    {
        Write(_buffers, 0x02, 1, 0, [9, 8, 7]);
        byte[] cdb = [0x9b, 0x02, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 1, 0];
        var command = new FakeScsiCommand(cdb);
        Assert.That(_buffers.ReadBufferAsync(command).AsTask().GetAwaiter().GetResult(), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(command.DataIn, Is.EqualTo(new byte[] { 8, 7 }));

        cdb[14] = 5;
        Pr.AssertSense(_buffers.ReadBufferAsync(new FakeScsiCommand(cdb)).AsTask().GetAwaiter().GetResult(),
            SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 14, null);
    }

    [Test]
    public void Descriptor_mode_reports_capacity_or_zeros()
    {
        Assert.That(Read(_buffers, 0x03, 1, 0, 4).Data, Is.EqualTo(new byte[] { 0, 0, 0x04, 0x00 }));
        Assert.That(Read(_buffers, 0x03, 7, 0, 4).Data, Is.EqualTo(new byte[] { 0, 0, 0, 0 }));
    }

    [Test]
    public void Combined_header_and_data()
    {
        Write(_buffers, 0x02, 0, 0, [0xaa]);
        Assert.That(Read(_buffers, 0x00, 0, 0, 6).Data, Is.EqualTo(new byte[] { 0, 0, 0x04, 0x00, 0xaa, 0 }));
    }

    [Test]
    public void Data_mode_errors()
    {
        Pr.AssertSense(Read(_buffers, 0x02, 2, 0, 4).Result, SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 2, null);
        Pr.AssertSense(Read(_buffers, 0x02, 0, 1025, 4).Result, SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 3, null);
        Pr.AssertSense(Write(_buffers, 0x02, 0, 1025, []), SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 3, null);
        Pr.AssertSense(Write(_buffers, 0x02, 0, 1000, new byte[25]), SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 6, null);
        Pr.AssertSense(Write(_buffers, 0x02, 3, 0, new byte[1]), SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 2, null);
        Pr.AssertSense(Write(_buffers, 0x05, 0, 0, new byte[1]), SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 1, 4);
        Pr.AssertSense(Read(_buffers, 0x1c, 0, 0, 64).Result, SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 1, 4);
    }

    [Test]
    public void A_huge_parameter_list_length_is_refused_before_any_transfer()
    {
        var command = new FakeScsiCommand(Cdb10(0x3b, 0x02, 0, 0, 0xffffff), new byte[8]);
        Pr.AssertSense(_buffers.WriteBufferAsync(command).AsTask().GetAwaiter().GetResult(), SenseKey.IllegalRequest,
            AdditionalSenseCode.InvalidFieldInCdb, 6, null);
        Assert.That(command.DataOutRequested, Is.Zero);
    }

    [Test]
    public void Short_data_out_writes_nothing()
    {
        Pr.AssertSense(Write(_buffers, 0x02, 0, 0, [1, 2], length: 4), SenseKey.IllegalRequest, AdditionalSenseCode.ParameterListLengthError, 6, null);
        Assert.That(Read(_buffers, 0x02, 0, 0, 2).Data, Is.EqualTo(new byte[2]));
    }

    [Test]
    public void Echo_buffer_is_per_I_T_nexus()
    {
        Assert.That(Write(_buffers, 0x0a, 0, 0, [1, 2, 3], Nexuses.A), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(Write(_buffers, 0x0a, 9, 9, [4, 5], Nexuses.B), Is.EqualTo(ScsiCommandResult.Good));

        Assert.That(Read(_buffers, 0x0a, 0, 0, 100, Nexuses.A).Data, Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(Read(_buffers, 0x0a, 0, 0, 100, Nexuses.B).Data, Is.EqualTo(new byte[] { 4, 5 }));
        Assert.That(Read(_buffers, 0x0a, 0, 0, 1, Nexuses.A).Data, Is.EqualTo(new byte[] { 1 }));
    }

    [Test]
    public void Echo_read_without_write_is_command_sequence_error()
    {
        Pr.AssertSense(Read(_buffers, 0x0a, 0, 0, 4, Nexuses.C).Result, SenseKey.IllegalRequest, AdditionalSenseCode.CommandSequenceError);
        Write(_buffers, 0x0a, 0, 0, [1], Nexuses.C);
        _buffers.OnNexusLost(Nexuses.C);
        Pr.AssertSense(Read(_buffers, 0x0a, 0, 0, 4, Nexuses.C).Result, SenseKey.IllegalRequest, AdditionalSenseCode.CommandSequenceError);
    }

    [Test]
    public void Echo_buffer_evicted_by_other_nexuses_is_overwritten()
    {
        Write(_buffers, 0x0a, 0, 0, [1], Nexuses.A);
        for (int i = 0; i < DataBuffers.MaximumEchoBuffers; i++)
        {
            Write(_buffers, 0x0a, 0, 0, [2], Nexuses.Make($"iqn.2026-11.test:e{i}", "400001370000", 1));
        }

        Pr.AssertSense(Read(_buffers, 0x0a, 0, 0, 4, Nexuses.A).Result, SenseKey.IllegalRequest, AdditionalSenseCode.EchoBufferOverwritten);
        Write(_buffers, 0x0a, 0, 0, [3], Nexuses.A);
        Assert.That(Read(_buffers, 0x0a, 0, 0, 4, Nexuses.A).Data, Is.EqualTo(new byte[] { 3 }));
    }

    [Test]
    public void Echo_buffer_descriptor_and_capacity()
    {
        Assert.That(Read(_buffers, 0x0b, 0, 0, 4).Data, Is.EqualTo(new byte[] { 0x01, 0, 0x10, 0x00 }));
        Pr.AssertSense(Write(_buffers, 0x0a, 0, 0, new byte[DataBuffers.EchoBufferCapacity + 1], Nexuses.A), SenseKey.IllegalRequest,
            AdditionalSenseCode.InvalidFieldInCdb, 6, null);
        Assert.That(Write(_buffers, 0x0a, 0, 0, new byte[DataBuffers.EchoBufferCapacity], Nexuses.A), Is.EqualTo(ScsiCommandResult.Good));
    }
}
