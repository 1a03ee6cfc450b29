using System.Buffers.Binary;
using System.Text;
using StateSave.Scsi;
using StateSave.Scsi.Server;

namespace StateSave.Target.Tests.TestSupport;

/// <summary>
/// A minimal direct-access device for transport tests: LUN 0 only, INQUIRY, TEST UNIT READY, READ CAPACITY (10),
/// REPORT LUNS, READ (10) and WRITE (10) over an array. It records resets and nexus events so tests can check
/// what the target told the device server. Not the storage system's device server; just enough SCSI.
/// </summary>
internal sealed class RamDiskDevice(int blocks = 2048, int blockSize = 512) : IScsiDeviceServer
{
    private readonly byte[] _data = new byte[blocks * blockSize];

    public List<string> Events { get; } = [];

    /// <summary>When set, READ (10) and WRITE (10) wait on it before completing (to test aborts).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public ReadOnlySpan<byte> Data => _data;

    public async ValueTask<ScsiCommandResult> ExecuteAsync(IScsiCommand command)
    {
        byte[] cdb = command.Cdb.ToArray();
        if (!command.Lun.Equals(LogicalUnitNumber.Zero) && cdb[0] != (byte)ScsiOpcode.ReportLuns)
        {
            return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.LogicalUnitNotSupported));
        }

        switch ((ScsiOpcode)cdb[0])
        {
            case ScsiOpcode.TestUnitReady:
                return ScsiCommandResult.Good;
            case ScsiOpcode.Inquiry:
            {
                byte[] inquiry = new byte[36];
                inquiry[2] = 0x06;
                inquiry[3] = 0x02;
                inquiry[4] = 31;
                Encoding.ASCII.GetBytes("STATESAV" + "TEST DISK".PadRight(16) + "0001").CopyTo(inquiry, 8);
                int allocation = BinaryPrimitives.ReadUInt16BigEndian(cdb.AsSpan(3));
                await command.SendDataInAsync(inquiry.AsMemory(0, Math.Min(allocation, inquiry.Length)), command.Aborted);
                return ScsiCommandResult.Good;
            }

            case ScsiOpcode.ReadCapacity10:
            {
                byte[] capacity = new byte[8];
                BinaryPrimitives.WriteUInt32BigEndian(capacity, (uint)(blocks - 1));
                BinaryPrimitives.WriteUInt32BigEndian(capacity.AsSpan(4), (uint)blockSize);
                await command.SendDataInAsync(capacity, command.Aborted);
                return ScsiCommandResult.Good;
            }

            case ScsiOpcode.ReportLuns:
            {
                byte[] luns = new byte[16];
                BinaryPrimitives.WriteUInt32BigEndian(luns, 8);
                await command.SendDataInAsync(luns, command.Aborted);
                return ScsiCommandResult.Good;
            }

            case ScsiOpcode.Read10:
            case ScsiOpcode.Write10:
            {
                uint lba = BinaryPrimitives.ReadUInt32BigEndian(cdb.AsSpan(2));
                int count = BinaryPrimitives.ReadUInt16BigEndian(cdb.AsSpan(7));
                if (lba + (long)count > blocks)
                {
                    return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.LogicalBlockAddressOutOfRange));
                }

                if (Gate is { } gate)
                {
                    await gate.Task.WaitAsync(command.Aborted);
                }

                Memory<byte> range = _data.AsMemory((int)lba * blockSize, count * blockSize);
                if (cdb[0] == (byte)ScsiOpcode.Read10)
                {
                    await command.SendDataInAsync(range, command.Aborted);
                }
                else
                {
                    // Only whole blocks that arrived are written (EDTL may be shorter than the transfer length).
                    byte[] received = new byte[range.Length];
                    int got = await command.ReceiveDataOutAsync(received, command.Aborted);
                    received.AsSpan(0, got / blockSize * blockSize).CopyTo(range.Span);
                }

                return ScsiCommandResult.Good;
            }

            default:
                return ScsiCommandResult.CheckCondition(SenseData.IllegalRequest(AdditionalSenseCode.InvalidCommandOperationCode));
        }
    }

    public bool IsAccessible(LogicalUnitNumber lun, ITNexus nexus) => lun.Equals(LogicalUnitNumber.Zero);

    public ValueTask ResetLogicalUnitAsync(LogicalUnitNumber lun, ITNexus requester)
    {
        Record($"lu-reset {lun}");
        return ValueTask.CompletedTask;
    }

    public ValueTask ResetTargetAsync(ITNexus requester, bool cold)
    {
        Record(cold ? "cold-reset" : "warm-reset");
        return ValueTask.CompletedTask;
    }

    public void OnTaskSetCleared(LogicalUnitNumber lun, ITNexus requester, bool otherNexusesAffected) =>
        Record($"task-set-cleared {lun} {otherNexusesAffected}");

    public void OnNexusEstablished(ITNexus nexus) => Record($"nexus+ {nexus.InitiatorPortName}");

    public void OnNexusLost(ITNexus nexus) => Record($"nexus- {nexus.InitiatorPortName}");

    private void Record(string e)
    {
        lock (Events)
        {
            Events.Add(e);
        }
    }
}
