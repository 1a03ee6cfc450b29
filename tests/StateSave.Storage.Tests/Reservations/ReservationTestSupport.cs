using System.Buffers.Binary;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.LogicalUnits;
using StateSave.Storage.Reservations;
using StateSave.Storage.Tests.TestSupport;

namespace StateSave.Storage.Tests.Reservations;

/// <summary>Records the unit attentions a component establishes.</summary>
internal sealed class RecordingUnitAttentionSink : IUnitAttentionSink
{
    public List<(ITNexus Nexus, AdditionalSenseCode Code)> Established { get; } = [];

    public void Establish(ITNexus nexus, AdditionalSenseCode additionalSenseCode) => Established.Add((nexus, additionalSenseCode));

    public void EstablishForOthers(ITNexus? except, AdditionalSenseCode additionalSenseCode) =>
        Established.Add((except ?? Nexuses.A, additionalSenseCode));

    public IEnumerable<AdditionalSenseCode> For(ITNexus nexus) => Established.Where(e => e.Nexus == nexus).Select(e => e.Code);
}

/// <summary>I_T nexuses of two initiators (A and B) and a second port of A, through target ports 1 and 2.</summary>
internal static class Nexuses
{
    public static readonly ITNexus A = Make("iqn.2026-11.test:a", "400001370000", 1);
    public static readonly ITNexus A2 = Make("iqn.2026-11.test:a", "400001370001", 1);
    public static readonly ITNexus AOnPort2 = Make("iqn.2026-11.test:a", "400001370000", 2);
    public static readonly ITNexus B = Make("iqn.2026-11.test:b", "400001370000", 1);
    public static readonly ITNexus C = Make("iqn.2026-11.test:c", "23d000000001", 1);

    public static ITNexus Make(string initiator, string isid, ushort port) => new(
        initiator, $"{initiator},i,0x{isid}", "iqn.2026-11.test:target", $"iqn.2026-11.test:target,t,0x{port:x4}", port, port);
}

/// <summary>Builds and runs PERSISTENT RESERVE IN/OUT against a <see cref="ReservationManager"/>.</summary>
internal static class Pr
{
    public static byte[] OutCdb(PersistentReserveOutServiceAction serviceAction, byte scopeType, uint parameterListLength)
    {
        byte[] cdb = new byte[10];
        cdb[0] = 0x5f;
        cdb[1] = (byte)serviceAction;
        cdb[2] = scopeType;
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(5), parameterListLength);
        return cdb;
    }

    public static byte[] Basic(ulong key, ulong serviceActionKey, byte flags = 0)
    {
        byte[] list = new byte[24];
        BinaryPrimitives.WriteUInt64BigEndian(list, key);
        BinaryPrimitives.WriteUInt64BigEndian(list.AsSpan(8), serviceActionKey);
        list[20] = flags;
        return list;
    }

    public static ScsiCommandResult Out(ReservationManager manager, ITNexus nexus, PersistentReserveOutServiceAction serviceAction,
        ulong key, ulong serviceActionKey, PersistentReservationType type = 0, byte flags = 0) =>
        OutRaw(manager, nexus, OutCdb(serviceAction, (byte)type, 24), Basic(key, serviceActionKey, flags));

    public static ScsiCommandResult OutRaw(ReservationManager manager, ITNexus nexus, byte[] cdb, byte[] list, ulong taskTag = 1) =>
        manager.PersistentReserveOutAsync(new FakeScsiCommand(cdb, list, nexus: nexus) { TaskTag = taskTag }).AsTask().GetAwaiter().GetResult();

    public static ScsiCommandResult Register(ReservationManager manager, ITNexus nexus, ulong key, byte flags = 0) =>
        Out(manager, nexus, PersistentReserveOutServiceAction.RegisterAndIgnoreExistingKey, 0, key, flags: flags);

    public static ScsiCommandResult Reserve(ReservationManager manager, ITNexus nexus, ulong key, PersistentReservationType type) =>
        Out(manager, nexus, PersistentReserveOutServiceAction.Reserve, key, 0, type);

    public static (ScsiCommandResult Result, byte[] Data) In(ReservationManager manager, ITNexus nexus, byte serviceAction, ushort allocationLength = 4096)
    {
        byte[] cdb = new byte[10];
        cdb[0] = 0x5e;
        cdb[1] = serviceAction;
        BinaryPrimitives.WriteUInt16BigEndian(cdb.AsSpan(7), allocationLength);
        var command = new FakeScsiCommand(cdb, nexus: nexus);
        ScsiCommandResult result = manager.PersistentReserveInAsync(command).AsTask().GetAwaiter().GetResult();
        return (result, command.DataIn);
    }

    public static ulong[] ReadKeys(ReservationManager manager, ITNexus nexus)
    {
        byte[] data = In(manager, nexus, 0).Data;
        int count = (int)BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(4)) / 8;
        return [.. Enumerable.Range(0, count).Select(i => BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(8 + (8 * i))))];
    }

    /// <summary>(reserved, key, type) from READ RESERVATION.</summary>
    public static (bool Reserved, ulong Key, byte Type) ReadReservation(ReservationManager manager, ITNexus nexus)
    {
        byte[] data = In(manager, nexus, 1).Data;
        return BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(4)) == 0
            ? (false, 0, 0)
            : (true, BinaryPrimitives.ReadUInt64BigEndian(data.AsSpan(8)), (byte)(data[21] & 0xf));
    }

    public static readonly byte[] Read10 = [0x28, 0, 0, 0, 0, 1, 0, 0, 1, 0];
    public static readonly byte[] Write10 = [0x2a, 0, 0, 0, 0, 1, 0, 0, 1, 0];

    public static bool CanRun(ReservationManager manager, ITNexus nexus, byte[] cdb) => manager.CheckConflict(nexus, cdb) is null;

    public static void AssertSense(ScsiCommandResult result, SenseKey key, AdditionalSenseCode code, int? fieldPointer = null, int? bitPointer = null, bool inCdb = true)
    {
        Assert.That(result.Status, Is.EqualTo(ScsiStatus.CheckCondition));
        SenseData sense = result.Sense!.Value;
        Assert.That(sense.SenseKey, Is.EqualTo(key));
        Assert.That(sense.AdditionalSenseCode, Is.EqualTo(code));
        if (fieldPointer is { } pointer)
        {
            Assert.That(sense.SenseKeySpecific.IsValid, Is.True);
            Assert.That(sense.SenseKeySpecific.FieldPointer, Is.EqualTo(pointer));
            Assert.That(sense.SenseKeySpecific.BitPointer, Is.EqualTo(bitPointer));
            Assert.That(sense.SenseKeySpecific.IsCommandData, Is.EqualTo(inCdb));
        }
    }
}
