using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.BackingStores;
using StateSave.Storage.LogicalUnits;

namespace StateSave.Storage.Tests.TestSupport;

/// <summary>A block logical unit over a memory store, with the power-on unit attention already taken.</summary>
internal sealed class TestUnit
{
    public const ulong Blocks = 1024;

    public TestUnit(Func<IBlockStore, BlockLogicalUnitOptions>? configure = null, int blockLength = 512)
    {
        Store = new MemoryBlockStore(Blocks, blockLength);
        Unit = new BlockLogicalUnit(configure?.Invoke(Store) ?? new BlockLogicalUnitOptions { Store = Store });
        Run([0x00, 0, 0, 0, 0, 0]).AsTask().GetAwaiter().GetResult();
    }

    public MemoryBlockStore Store { get; }

    public BlockLogicalUnit Unit { get; }

    public async ValueTask<(ScsiCommandResult Result, FakeScsiCommand Command)> Run(byte[] cdb, byte[]? dataOut = null, ITNexus? nexus = null, TaskAttribute attribute = TaskAttribute.Simple)
    {
        var command = new FakeScsiCommand(Pad(cdb), dataOut, nexus: nexus) { TaskAttribute = attribute };
        ScsiCommandResult result = await Unit.ExecuteAsync(command, null);
        return (result, command);
    }

    /// <summary>The CDB as iSCSI carries it: 16 bytes, trailing zeros.</summary>
    public static byte[] Pad(byte[] cdb)
    {
        byte[] padded = new byte[Math.Max(16, cdb.Length)];
        cdb.CopyTo(padded, 0);
        return padded;
    }

    public static byte[] Encode(SenseData? sense)
    {
        Assert.That(sense, Is.Not.Null);
        byte[] bytes = new byte[SenseData.MaximumLength];
        int length = sense!.Value.Encode(bytes);
        return bytes[..length];
    }

    /// <summary>Fixed-format sense: response code 70h, the key, ASC/ASCQ and the three sense-key-specific bytes.</summary>
    public static byte[] Fixed(byte key, byte asc, byte ascq, byte sks0 = 0, byte sks1 = 0, byte sks2 = 0, uint? information = null)
    {
        byte[] bytes = [0x70, 0, key, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, asc, ascq, 0, sks0, sks1, sks2];
        if (information is { } info)
        {
            bytes[0] |= 0x80;
            bytes[3] = (byte)(info >> 24);
            bytes[4] = (byte)(info >> 16);
            bytes[5] = (byte)(info >> 8);
            bytes[6] = (byte)info;
        }

        return bytes;
    }

    public static ITNexus Nexus(string initiator) =>
        new(initiator, initiator + ",i,0x400001370000", "iqn.2026-11.test:target", "iqn.2026-11.test:target,t,0x0001", 1, 1);
}
