using System.Runtime.CompilerServices;
using StateSave.Scsi;
using StateSave.Scsi.Server;
using StateSave.Storage.BackingStores;
using StateSave.Storage.Devices;
using StateSave.Storage.LogicalUnits;
using StateSave.Storage.Tests.TestSupport;

namespace StateSave.Storage.Tests.Allocation;

/// <summary>
/// READ and WRITE through the SCSI target device allocate nothing per command once warmed up. The command is a
/// reusable fake whose transfers complete synchronously, so the whole command runs on the test's thread and
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> sees every allocation the device server makes.
/// </summary>
[Category("Allocation")]
[NonParallelizable]
public sealed class SteadyStateAllocationTests
{
    private const int BlockLength = 512;
    private const ulong StoreBlocks = 8192;
    private const int WarmUpCommands = 2_000;
    private const int MeasuredCommands = 10_000;

    [TestCase(4 * 1024)]
    [TestCase(128 * 1024)]
    public void Read10_allocates_nothing_per_command(int transferBytes)
    {
        var (device, command) = Assemble(transferBytes);
        ushort blocks = (ushort)(transferBytes / BlockLength);
        long bytes = Measure(device, command, i => command.PrepareRead10(Lba(i, blocks), blocks, BlockLength));
        Assert.That(command.DataInLength, Is.EqualTo(transferBytes));
        Assert.That(bytes, Is.Zero, $"{bytes} bytes in {MeasuredCommands} READ (10) commands of {transferBytes} bytes ({(double)bytes / MeasuredCommands:F1} per command)");
    }

    [TestCase(4 * 1024)]
    [TestCase(128 * 1024)]
    public void Write10_allocates_nothing_per_command(int transferBytes)
    {
        var (device, command) = Assemble(transferBytes);
        ushort blocks = (ushort)(transferBytes / BlockLength);
        long bytes = Measure(device, command, i => command.PrepareWrite10(Lba(i, blocks), blocks, BlockLength));
        Assert.That(bytes, Is.Zero, $"{bytes} bytes in {MeasuredCommands} WRITE (10) commands of {transferBytes} bytes ({(double)bytes / MeasuredCommands:F1} per command)");
    }

    [Test]
    public void Written_data_reads_back_through_the_reusable_command()
    {
        var (device, command) = Assemble(4096);
        command.PrepareWrite10(8, 8, BlockLength);
        Assert.That(Execute(device, command).Status, Is.EqualTo(ScsiStatus.Good));
        byte[] written = command.DataOut.ToArray();
        command.PrepareRead10(8, 8, BlockLength);
        Assert.That(Execute(device, command).Status, Is.EqualTo(ScsiStatus.Good));
        Assert.That(command.DataIn.ToArray(), Is.EqualTo(written));
    }

    private static (ScsiTargetDevice Device, ReusableScsiCommand Command) Assemble(int transferBytes)
    {
        var device = new ScsiTargetDevice();
        var store = new MemoryBlockStore(StoreBlocks, BlockLength);
        device.AddLogicalUnit(LogicalUnitNumber.FromSingleLevel(0), new BlockLogicalUnit(new BlockLogicalUnitOptions { Store = store }));
        var command = new ReusableScsiCommand(transferBytes);

        // The first command of a nexus reports POWER ON OCCURRED; every later one runs.
        command.PrepareRead10(0, 1, BlockLength);
        Execute(device, command);
        return (device, command);
    }

    /// <summary>Different LBAs command by command, within a range the warm-up has written and mapped.</summary>
    private static uint Lba(int i, ushort blocks) => (uint)(i % 16 * blocks % (int)(StoreBlocks - blocks));

    /// <summary>Bytes allocated on this thread by <see cref="MeasuredCommands"/> commands after the warm-up.</summary>
    /// <remarks>
    /// Compiled fully optimized at once: left to tiering, this long-running loop moves to on-stack-replaced code
    /// mid-measurement, and that transition allocates a few bytes that are not the device server's.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long Measure(ScsiTargetDevice device, ReusableScsiCommand command, Action<int> prepare)
    {
        for (int i = 0; i < WarmUpCommands; i++)
        {
            prepare(i);
            Assert.That(Execute(device, command).Status, Is.EqualTo(ScsiStatus.Good));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        bool allGood = true;
        for (int i = 0; i < MeasuredCommands; i++)
        {
            prepare(i);
            allGood &= Execute(device, command).Status == ScsiStatus.Good;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allGood, Is.True);
        return allocated;
    }

    /// <summary>Runs one command, which must complete synchronously (everything it waits for already has).</summary>
    private static ScsiCommandResult Execute(ScsiTargetDevice device, ReusableScsiCommand command)
    {
        ValueTask<ScsiCommandResult> pending = device.ExecuteAsync(command);
        if (pending.IsCompletedSuccessfully)
        {
            return pending.Result;
        }

        Assert.Fail("The command did not complete synchronously.");
        return default;
    }
}
