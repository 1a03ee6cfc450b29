using System.Buffers.Binary;
using StateSave.Storage.Copy;

namespace StateSave.Storage.Tests.Copy;

/// <summary>An in-memory block device for copy tests.</summary>
internal sealed class MemoryBlockDevice(uint blockLength, ulong blockCount) : ICopyBlockDevice
{
    public byte[] Bytes { get; } = new byte[blockLength * blockCount];

    public uint BlockLength { get; } = blockLength;

    public ulong BlockCount { get; } = blockCount;

    public bool FailReads { get; set; }

    public ValueTask ReadAsync(ulong logicalBlockAddress, Memory<byte> destination, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (FailReads)
        {
            throw new IOException("medium error");
        }

        Bytes.AsSpan((int)(logicalBlockAddress * BlockLength), destination.Length).CopyTo(destination.Span);
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(ulong logicalBlockAddress, ReadOnlyMemory<byte> source, CancellationToken cancellationToken)
    {
        source.Span.CopyTo(Bytes.AsSpan((int)(logicalBlockAddress * BlockLength)));
        return ValueTask.CompletedTask;
    }
}

/// <summary>Resolves NAA designators to devices.</summary>
internal sealed class DictionaryResolver : ICopyTargetResolver
{
    public Dictionary<string, ICopyBlockDevice> Devices { get; } = [];

    public ICopyBlockDevice? Resolve(CopyTargetDesignator designator) =>
        designator.DesignatorType == CopyTargetDesignator.NaaDesignatorType
            && Devices.TryGetValue(Convert.ToHexString(designator.Designator.Span), out ICopyBlockDevice? device)
            ? device
            : null;
}

/// <summary>Builds EXTENDED COPY parameter lists the way libiscsi's tests do.</summary>
internal static class Xcopy
{
    public static readonly byte[] NaaA = [0x60, 0x01, 0x40, 0x50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xa];
    public static readonly byte[] NaaB = [0x60, 0x01, 0x40, 0x50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xb];

    public static byte[] Target(byte[] naa, byte type = 0xe4, byte luIdType = 0, uint blockLength = 512)
    {
        byte[] d = new byte[32];
        d[0] = type;
        d[1] = (byte)(luIdType << 6);
        d[4] = 0x01;
        d[5] = 0x03;
        d[7] = (byte)naa.Length;
        naa.CopyTo(d, 8);
        d[29] = (byte)(blockLength >> 16);
        d[30] = (byte)(blockLength >> 8);
        d[31] = (byte)blockLength;
        return d;
    }

    public static byte[] Segment(ushort source, ushort destination, ushort blocks, ulong sourceLba, ulong destinationLba, byte type = 0x02)
    {
        byte[] d = new byte[28];
        d[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(2), 0x18);
        BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(4), source);
        BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(6), destination);
        BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(10), blocks);
        BinaryPrimitives.WriteUInt64BigEndian(d.AsSpan(12), sourceLba);
        BinaryPrimitives.WriteUInt64BigEndian(d.AsSpan(20), destinationLba);
        return d;
    }

    public static byte[] List(byte listId, int usage, byte[][] targets, byte[][] segments)
    {
        byte[] targetBytes = [.. targets.SelectMany(t => t)];
        byte[] segmentBytes = [.. segments.SelectMany(s => s)];
        byte[] list = new byte[16 + targetBytes.Length + segmentBytes.Length];
        list[0] = listId;
        list[1] = (byte)(usage << 3);
        BinaryPrimitives.WriteUInt16BigEndian(list.AsSpan(2), (ushort)targetBytes.Length);
        BinaryPrimitives.WriteUInt32BigEndian(list.AsSpan(8), (uint)segmentBytes.Length);
        targetBytes.CopyTo(list, 16);
        segmentBytes.CopyTo(list, 16 + targetBytes.Length);
        return list;
    }

    public static byte[] Cdb(uint parameterListLength, byte serviceAction = 0)
    {
        byte[] cdb = new byte[16];
        cdb[0] = 0x83;
        cdb[1] = serviceAction;
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(10), parameterListLength);
        return cdb;
    }

    public static byte[] ResultsCdb(byte serviceAction, byte listId, uint allocationLength = 1024)
    {
        byte[] cdb = new byte[16];
        cdb[0] = 0x84;
        cdb[1] = serviceAction;
        cdb[2] = listId;
        BinaryPrimitives.WriteUInt32BigEndian(cdb.AsSpan(10), allocationLength);
        return cdb;
    }
}
