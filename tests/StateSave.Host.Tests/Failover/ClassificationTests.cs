using StateSave.Host.Failover;
using StateSave.Host.Logging;
using StateSave.Initiator.Commands;
using StateSave.Initiator.Scsi;
using StateSave.Iscsi.Protocol;
using StateSave.Scsi;

namespace StateSave.Host.Tests.Failover;

public sealed class ClassificationTests
{
    private static ScsiCommandResponse CheckCondition(SenseKey key, AdditionalSenseCode asc) => new()
    {
        Outcome = CommandOutcome.Completed,
        ServiceResponse = ScsiServiceResponse.CommandCompletedAtTarget,
        Status = ScsiStatus.CheckCondition,
        Sense = new SenseData(key, asc),
    };

    private static ScsiCommandResponse Status(ScsiStatus status) =>
        new() { Outcome = CommandOutcome.Completed, ServiceResponse = ScsiServiceResponse.CommandCompletedAtTarget, Status = status };

    [Test]
    public void Responses_map_to_the_retry_rules_of_the_spec()
    {
        Assert.Multiple(() =>
        {
            Assert.That(IoVerdict.Classify(Status(ScsiStatus.Good), false).Disposition, Is.EqualTo(IoDisposition.Success));
            Assert.That(IoVerdict.Classify(new ScsiCommandResponse { Outcome = CommandOutcome.SessionFailed }, false).Disposition, Is.EqualTo(IoDisposition.PathFailed));
            Assert.That(IoVerdict.Classify(new ScsiCommandResponse { Outcome = CommandOutcome.ProtocolError }, false).Disposition, Is.EqualTo(IoDisposition.PathFailed));
            Assert.That(IoVerdict.Classify(new ScsiCommandResponse { Outcome = CommandOutcome.Aborted }, true).Disposition, Is.EqualTo(IoDisposition.PathFailed));
            Assert.That(IoVerdict.Classify(new ScsiCommandResponse { Outcome = CommandOutcome.Aborted }, false).Disposition, Is.EqualTo(IoDisposition.Retry));
            Assert.That(IoVerdict.Classify(Status(ScsiStatus.Busy), false).Disposition, Is.EqualTo(IoDisposition.RetryLater));
            Assert.That(IoVerdict.Classify(Status(ScsiStatus.TaskSetFull), false).Disposition, Is.EqualTo(IoDisposition.RetryLater));
            Assert.That(IoVerdict.Classify(Status(ScsiStatus.ReservationConflict), false).Disposition, Is.EqualTo(IoDisposition.Fatal));
            Assert.That(IoVerdict.Classify(CheckCondition(SenseKey.UnitAttention, AdditionalSenseCode.PowerOnOccurred), false),
                Is.EqualTo(new IoVerdict(IoDisposition.Retry)));
            Assert.That(IoVerdict.Classify(CheckCondition(SenseKey.UnitAttention, AdditionalSenseCode.AsymmetricAccessStateChanged), false),
                Is.EqualTo(new IoVerdict(IoDisposition.Retry, true)));
            Assert.That(IoVerdict.Classify(CheckCondition(SenseKey.NotReady, AdditionalSenseCode.LogicalUnitNotAccessibleTargetPortInStandbyState), false),
                Is.EqualTo(new IoVerdict(IoDisposition.AccessDenied, true, AsymmetricAccessState.Standby)));
            Assert.That(IoVerdict.Classify(CheckCondition(SenseKey.NotReady, AdditionalSenseCode.LogicalUnitNotAccessibleTargetPortInUnavailableState), false),
                Is.EqualTo(new IoVerdict(IoDisposition.AccessDenied, true, AsymmetricAccessState.Unavailable)));
            Assert.That(IoVerdict.Classify(CheckCondition(SenseKey.NotReady, AdditionalSenseCode.LogicalUnitNotAccessibleAsymmetricAccessStateTransition), false),
                Is.EqualTo(new IoVerdict(IoDisposition.AccessDenied, true, AsymmetricAccessState.Transitioning)));
            Assert.That(IoVerdict.Classify(CheckCondition(SenseKey.AbortedCommand, new AdditionalSenseCode(0x47, 0x00)), false).Disposition,
                Is.EqualTo(IoDisposition.Retry));
            Assert.That(IoVerdict.Classify(CheckCondition(SenseKey.IllegalRequest, AdditionalSenseCode.LogicalBlockAddressOutOfRange), false).Disposition,
                Is.EqualTo(IoDisposition.Fatal));
            Assert.That(IoVerdict.Classify(CheckCondition(SenseKey.MediumError, new AdditionalSenseCode(0x11, 0x00)), false).Disposition,
                Is.EqualTo(IoDisposition.Fatal));
        });
    }

    [Test]
    public void The_LU_identity_prefers_NAA_then_EUI64_then_name_then_T10_of_association_0()
    {
        var naa = new Designator(DesignatorAssociation.LogicalUnit, DesignatorType.Naa, 1, 0, false, new byte[] { 0x60, 0x01, 0x40, 0x50 });
        var naaOfPort = new Designator(DesignatorAssociation.TargetPort, DesignatorType.Naa, 1, 0, false, new byte[] { 0x50, 0x00 });
        var t10 = new Designator(DesignatorAssociation.LogicalUnit, DesignatorType.T10VendorIdentification, 2, 0, false, "STATESAV disk1"u8.ToArray());
        var eui = new Designator(DesignatorAssociation.LogicalUnit, DesignatorType.Eui64, 1, 0, false, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        var port = new Designator(DesignatorAssociation.TargetPort, DesignatorType.RelativeTargetPort, 1, 5, true, new byte[] { 0, 0, 0, 2 });
        Assert.Multiple(() =>
        {
            Assert.That(LogicalUnitIdentity.FromDesignators([t10, naaOfPort, naa, port])!.Key, Is.EqualTo("naa.60014050"));
            Assert.That(LogicalUnitIdentity.FromDesignators([t10, eui, naaOfPort])!.Key, Is.EqualTo("eui.0102030405060708"));
            Assert.That(LogicalUnitIdentity.FromDesignators([t10, naaOfPort, port])!.Key, Is.EqualTo("t10.STATESAV disk1"));
            Assert.That(LogicalUnitIdentity.FromDesignators([naaOfPort, port]), Is.Null);
        });
    }

    [Test]
    public void The_ring_keeps_the_newest_records_in_order_and_counts_the_overwritten()
    {
        var ring = new BoundedRing<int>(3);
        Assert.That(ring.ToArray(), Is.Empty);
        for (int i = 1; i <= 5; i++)
        {
            ring.Add(i);
        }

        Assert.Multiple(() =>
        {
            Assert.That(ring.ToArray(), Is.EqualTo(new[] { 3, 4, 5 }));
            Assert.That(ring.TotalAdded, Is.EqualTo(5));
            Assert.That(ring.Overwritten, Is.EqualTo(2));
            Assert.Throws<ArgumentOutOfRangeException>(() => _ = new BoundedRing<int>(0));
        });
    }
}
