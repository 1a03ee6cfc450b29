using System.Buffers.Binary;
using StateSave.Scsi;

namespace StateSave.Storage.Devices;

/// <summary>REPORT LUNS parameter data (SPC-5 §6.33): LUN LIST LENGTH, four reserved bytes, then eight bytes per LUN.</summary>
internal static class ReportLunsData
{
    public static byte[] Build(IReadOnlyCollection<LogicalUnitNumber> luns)
    {
        byte[] data = new byte[8 + (8 * luns.Count)];
        BinaryPrimitives.WriteUInt32BigEndian(data, (uint)(8 * luns.Count));
        int offset = 8;
        foreach (LogicalUnitNumber lun in luns)
        {
            lun.Write(data.AsSpan(offset));
            offset += 8;
        }

        return data;
    }
}
