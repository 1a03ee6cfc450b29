using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.Copy;
using StateSave.Storage.Tests.Reservations;
using StateSave.Storage.Tests.TestSupport;
using static StateSave.Storage.Tests.Copy.Xcopy;

namespace StateSave.Storage.Tests.Copy;

/// <summary>EXTENDED COPY and RECEIVE COPY RESULTS, as libiscsi's ExtendedCopy.* and ReceiveCopyResults.* drive them.</summary>
public class CopyManagerTests
{
    private MemoryBlockDevice _a = null!;
    private MemoryBlockDevice _b = null!;
    private DictionaryResolver _resolver = null!;
    private CopyManager _manager = null!;

    [SetUp]
    public void SetUp()
    {
        _a = new MemoryBlockDevice(512, 4096);
        _b = new MemoryBlockDevice(512, 64);
        _resolver = new DictionaryResolver();
        _resolver.Devices[Convert.ToHexString(NaaA)] = _a;
        _resolver.Devices[Convert.ToHexString(NaaB)] = _b;
        _manager = new CopyManager(_resolver, new CopyManagerOptions { TransferSize = 64 * 1024 });
    }

    private ScsiCommandResult Copy(byte[] list, uint? length = null, ITNexus? nexus = null) =>
        _manager.ExtendedCopyAsync(new FakeScsiCommand(Cdb(length ?? (uint)list.Length), list, nexus: nexus)).AsTask().GetAwaiter().GetResult();

    private (ScsiCommandResult Result, byte[] Data) Results(byte serviceAction, byte listId, ITNexus? nexus = null)
    {
        var command = new FakeScsiCommand(ResultsCdb(serviceAction, listId), nexus: nexus);
        ScsiCommandResult result = _manager.ReceiveCopyResultsAsync(command).AsTask().GetAwaiter().GetResult();
        return (result, command.DataIn);
    }

    private static void AssertCopyAborted(ScsiCommandResult result, AdditionalSenseCode code, int fieldInSegment, ulong segment = 0)
    {
        Assert.That(result.Status, Is.EqualTo(ScsiStatus.CheckCondition));
        SenseData sense = result.Sense!.Value;
        Assert.That(sense.SenseKey, Is.EqualTo(SenseKey.CopyAborted));
        Assert.That(sense.AdditionalSenseCode, Is.EqualTo(code));
        Assert.That(sense.SenseKeySpecific.IsValid, Is.True);
        Assert.That(sense.SenseKeySpecific.IsSegmentDescriptor, Is.True);
        Assert.That(sense.SenseKeySpecific.FieldPointer, Is.EqualTo(fieldInSegment));
        Assert.That(sense.CommandSpecificInformation, Is.EqualTo(segment));
    }

    [Test]
    public void Copies_blocks_within_one_logical_unit()
    {
        _a.Bytes.AsSpan(0, 2048 * 512).Fill((byte)'A');

        Assert.That(Copy(List(1, 2, [Target(NaaA)], [Segment(0, 0, 2048, 0, 4096 - 2048)])), Is.EqualTo(ScsiCommandResult.Good));

        Assert.That(_a.Bytes.AsSpan(2048 * 512).ToArray(), Is.All.EqualTo((byte)'A'));
    }

    [Test]
    public void Copies_between_logical_units_and_segments_in_order()
    {
        for (int i = 0; i < _a.Bytes.Length; i++)
        {
            _a.Bytes[i] = (byte)(i / 512);
        }

        ScsiCommandResult result = Copy(List(7, 0, [Target(NaaA), Target(NaaB)], [Segment(0, 1, 4, 10, 0), Segment(0, 1, 2, 20, 4)]));

        Assert.That(result, Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(_b.Bytes[0], Is.EqualTo(10));
        Assert.That(_b.Bytes[(3 * 512) + 511], Is.EqualTo(13));
        Assert.That(_b.Bytes[4 * 512], Is.EqualTo(20));
        Assert.That(_b.Bytes[6 * 512], Is.Zero);
    }

    [Test]
    public void Overlapping_copy_forwards_keeps_the_source()
    {
        for (int i = 0; i < 400 * 512; i++)
        {
            _a.Bytes[i] = (byte)(i / 512);
        }

        Assert.That(Copy(List(0, 3, [Target(NaaA)], [Segment(0, 0, 300, 0, 100)])), Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(_a.Bytes[100 * 512], Is.Zero);
        Assert.That(_a.Bytes[250 * 512], Is.EqualTo(150));
        Assert.That(_a.Bytes[399 * 512], Is.EqualTo(299 & 0xff));
    }

    [Test]
    public void Copy_status_reports_the_finished_copy()
    {
        Pr.AssertSense(Results(0x00, 1).Result, SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 2, null);

        Copy(List(1, 0, [Target(NaaA)], [Segment(0, 0, 16, 0, 100)]));

        (ScsiCommandResult result, byte[] data) = Results(0x00, 1);
        Assert.That(result, Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(data, Is.EqualTo(new byte[] { 0, 0, 0, 8, 0x01, 0, 1, 0, 0, 0, 0x20, 0 }));
        Pr.AssertSense(Results(0x00, 1, Nexuses.B).Result, SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 2, null);
        Assert.That(Results(0x01, 1).Data, Is.EqualTo(new byte[4]), "RECEIVE DATA: nothing held");
    }

    [Test]
    public void Copy_without_list_identifier_keeps_no_status()
    {
        Copy(List(0, 3, [Target(NaaA)], [Segment(0, 0, 1, 0, 1)]));
        Pr.AssertSense(Results(0x00, 0).Result, SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 2, null);
        Pr.AssertSense(Copy(List(5, 3, [Target(NaaA)], [Segment(0, 0, 1, 0, 1)])), SenseKey.IllegalRequest,
            AdditionalSenseCode.InvalidFieldInParameterList, 0, null, inCdb: false);
    }

    [Test]
    public void Operating_parameters_are_byte_exact()
    {
        (ScsiCommandResult result, byte[] data) = Results(0x03, 0);
        Assert.That(result, Is.EqualTo(ScsiCommandResult.Good));
        Assert.That(data, Is.EqualTo(new byte[]
        {
            0, 0, 0, 42, 0x01, 0, 0, 0,
            0, 8, 0, 8, 0, 0, 0x04, 0x00,
            0x04, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 2, 0x02, 0xe4,
        }));
    }

    [Test]
    public void Parameter_list_length_errors()
    {
        byte[] list = List(1, 0, [Target(NaaA)], [Segment(0, 0, 8, 0, 100)]);
        Pr.AssertSense(Copy(list[..(16 + 31)]), SenseKey.IllegalRequest, AdditionalSenseCode.ParameterListLengthError, 10, null);
        Pr.AssertSense(Copy(list[..^1]), SenseKey.IllegalRequest, AdditionalSenseCode.ParameterListLengthError, 10, null);
        Pr.AssertSense(Copy(list[..15]), SenseKey.IllegalRequest, AdditionalSenseCode.ParameterListLengthError, 10, null);
        Pr.AssertSense(Copy(list, length: (uint)list.Length + 4), SenseKey.IllegalRequest, AdditionalSenseCode.ParameterListLengthError, 10, null);
        Assert.That(Copy([], length: 0), Is.EqualTo(ScsiCommandResult.Good));
    }

    [Test]
    public void Descriptor_limits()
    {
        byte[][] nineTargets = [.. Enumerable.Repeat(Target(NaaA), 9)];
        Pr.AssertSense(Copy(List(1, 0, nineTargets, [Segment(0, 0, 1, 0, 1)])), SenseKey.IllegalRequest,
            AdditionalSenseCode.TooManyTargetDescriptors, 2, null, inCdb: false);

        byte[][] nineSegments = [.. Enumerable.Repeat(Segment(0, 0, 1, 0, 1), 9)];
        Pr.AssertSense(Copy(List(2, 0, [Target(NaaA)], nineSegments)), SenseKey.IllegalRequest,
            AdditionalSenseCode.TooManySegmentDescriptors, 8, null, inCdb: false);

        byte[][] manySegments = [.. Enumerable.Repeat(Segment(0, 0, 1, 0, 1), 30)];
        Pr.AssertSense(Copy(List(3, 0, nineTargets, manySegments)), SenseKey.IllegalRequest, AdditionalSenseCode.ParameterListLengthError, 10, null);
    }

    [Test]
    public void Unsupported_descriptor_types()
    {
        Pr.AssertSense(Copy(List(1, 0, [Target(NaaA, type: 0xe0)], [Segment(0, 0, 1, 0, 1)])), SenseKey.IllegalRequest,
            AdditionalSenseCode.UnsupportedTargetDescriptorTypeCode, 16, null, inCdb: false);
        Pr.AssertSense(Copy(List(1, 0, [Target(NaaA, type: 0x11)], [Segment(0, 0, 1, 0, 1)])), SenseKey.IllegalRequest,
            AdditionalSenseCode.UnsupportedTargetDescriptorTypeCode, 16, null, inCdb: false);

        byte[] streamToStream = new byte[20];
        streamToStream[0] = 0x03;
        streamToStream[3] = 0x10;
        Pr.AssertSense(Copy(List(1, 0, [Target(NaaA)], [streamToStream])), SenseKey.IllegalRequest,
            AdditionalSenseCode.UnsupportedSegmentDescriptorTypeCode, 48, null, inCdb: false);
    }

    [Test]
    public void Lu_id_type_is_ignored()
    {
        Assert.That(Copy(List(1, 0, [Target(NaaA, luIdType: 3)], [Segment(0, 0, 1, 0, 1)])), Is.EqualTo(ScsiCommandResult.Good));
    }

    [Test]
    public void Unreachable_targets_and_bad_indexes_abort_the_copy()
    {
        AssertCopyAborted(Copy(List(1, 0, [Target(NaaA)], [Segment(0, 1, 8, 0, 100)])), AdditionalSenseCode.CopyTargetDeviceNotReachable, 6);
        AssertCopyAborted(Copy(List(1, 0, [Target([1, 2, 3, 4, 5, 6, 7, 8])], [Segment(0, 0, 8, 0, 100)])),
            AdditionalSenseCode.CopyTargetDeviceNotReachable, 4);
        Assert.That(Results(0x00, 1).Data[4], Is.EqualTo(0x02), "completed with errors");
    }

    [Test]
    public void Ranges_beyond_the_device_abort_before_writing()
    {
        _a.Bytes.AsSpan(0, 512).Fill(0x55);
        AssertCopyAborted(Copy(List(1, 0, [Target(NaaA)], [Segment(0, 0, 1, 0, 1), Segment(0, 0, 2048, 0, 4095)])),
            AdditionalSenseCode.NoAdditionalSenseInformation, 20, segment: 1);
        Assert.That(_a.Bytes[512], Is.EqualTo(0x55), "the first segment was copied");
        Assert.That(_a.Bytes[4095 * 512], Is.Zero);
        AssertCopyAborted(Copy(List(1, 0, [Target(NaaA)], [Segment(0, 0, 2, 4095, 0)])), AdditionalSenseCode.NoAdditionalSenseInformation, 12);
        Assert.That(Results(0x00, 1).Data[5..7], Is.EqualTo(new byte[] { 0, 0 }));
    }

    [Test]
    public void Read_failure_aborts_the_copy()
    {
        _a.FailReads = true;
        AssertCopyAborted(Copy(List(1, 0, [Target(NaaA)], [Segment(0, 0, 1, 0, 1)])), AdditionalSenseCode.NoAdditionalSenseInformation, 0);
    }

    [Test]
    public void Aborted_task_stops_the_copy()
    {
        using var aborted = new CancellationTokenSource();
        aborted.Cancel();
        byte[] list = List(4, 0, [Target(NaaA)], [Segment(0, 0, 8, 0, 100)]);
        var command = new FakeScsiCommand(Cdb((uint)list.Length), list) { Aborted = aborted.Token };

        Assert.That(async () => await _manager.ExtendedCopyAsync(command), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(Results(0x00, 4).Data[4], Is.EqualTo(0x02));
    }

    [Test]
    public void Bad_service_actions()
    {
        Pr.AssertSense(_manager.ExtendedCopyAsync(new FakeScsiCommand(Cdb(0, serviceAction: 0x01), [])).AsTask().GetAwaiter().GetResult(),
            SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 1, 4);
        Pr.AssertSense(Results(0x05, 0).Result, SenseKey.IllegalRequest, AdditionalSenseCode.InvalidFieldInCdb, 1, 4);
    }

    [Test]
    public void Third_party_copy_vpd_page()
    {
        Assert.That(CopyManager.EncodeThirdPartyCopyVpdPage(), Is.EqualTo(new byte[]
        {
            0, 0x8f, 0, 24,
            0, 1, 0, 12, 8, 0x83, 1, 0, 0x84, 3, 0, 1, 3, 0, 0, 0,
            0, 8, 0, 4, 2, 0x02, 0xe4, 0,
        }));
    }
}
