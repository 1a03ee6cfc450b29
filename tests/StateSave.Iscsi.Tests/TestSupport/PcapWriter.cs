using System.Buffers.Binary;
using System.Net;

namespace StateSave.Iscsi.Tests.TestSupport;

/// <summary>The link-layer header type of a pcap file (tcpdump.org "LINKTYPE_" values).</summary>
public enum PcapLinkType : uint
{
    /// <summary>LINKTYPE_ETHERNET: a 14-byte Ethernet II header before each IPv4 packet.</summary>
    Ethernet = 1,

    /// <summary>LINKTYPE_RAW: each record is a bare IPv4 (or IPv6) packet.</summary>
    RawIp = 101,
}

/// <summary>
/// Writes a classic libpcap capture file (magic a1b2c3d4, version 2.4, microsecond timestamps) of synthetic
/// IPv4/TCP packets, so that a real peer decoder (tshark) can be pointed at bytes we produced.
/// Headers are written big-endian; the pcap file header and record headers in the writer's byte order,
/// which the magic number announces.
/// </summary>
public sealed class PcapWriter : IDisposable
{
    private const uint Magic = 0xa1b2c3d4;
    private const ushort VersionMajor = 2;
    private const ushort VersionMinor = 4;
    private const uint SnapLength = 262144;
    private const int Ipv4HeaderLength = 20;
    private const int TcpHeaderLength = 20;
    private const int EthernetHeaderLength = 14;
    private const byte ProtocolTcp = 6;

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly PcapLinkType _linkType;
    private DateTimeOffset _clock = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private ushort _ipIdentification = 1;

    public PcapWriter(Stream stream, PcapLinkType linkType = PcapLinkType.Ethernet, bool ownsStream = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _ownsStream = ownsStream;
        _linkType = linkType;

        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], VersionMajor);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], VersionMinor);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0); // thiszone
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0); // sigfigs
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], SnapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], (uint)linkType);
        _stream.Write(header);
    }

    /// <summary>Number of records written so far (tshark's frame.number of the last one).</summary>
    public int FrameCount { get; private set; }

    /// <summary>Writes one IPv4/TCP segment; returns its frame number (1-based, as tshark counts).</summary>
    public int WriteTcpSegment(IPEndPoint source, IPEndPoint destination, uint sequence, uint acknowledgement, TcpFlags flags, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        int ipLength = Ipv4HeaderLength + TcpHeaderLength + payload.Length;
        if (ipLength > ushort.MaxValue)
        {
            throw new ArgumentException($"A {payload.Length}-byte payload does not fit one IPv4 packet.", nameof(payload));
        }

        int linkLength = _linkType == PcapLinkType.Ethernet ? EthernetHeaderLength : 0;
        byte[] frame = new byte[linkLength + ipLength];
        Span<byte> span = frame;
        if (_linkType == PcapLinkType.Ethernet)
        {
            // Locally administered MAC addresses 02:00:00:00:pp:pp made from the TCP ports; EtherType IPv4.
            WriteMac(span, destination.Port);
            WriteMac(span[6..], source.Port);
            BinaryPrimitives.WriteUInt16BigEndian(span[12..], 0x0800);
        }

        Span<byte> ip = span[linkLength..];
        WriteIpv4Header(ip, source.Address, destination.Address, ipLength);
        Span<byte> tcp = ip[Ipv4HeaderLength..];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], (ushort)destination.Port);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], acknowledgement);
        tcp[12] = (TcpHeaderLength / 4) << 4;
        tcp[13] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], 0xffff); // window
        payload.CopyTo(tcp[TcpHeaderLength..]);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], TcpChecksum(ip[12..16], ip[16..20], tcp[..(TcpHeaderLength + payload.Length)]));

        WriteRecord(frame);
        return FrameCount;
    }

    private static void WriteMac(Span<byte> mac, int port)
    {
        mac[..4].Clear();
        mac[0] = 0x02;
        BinaryPrimitives.WriteUInt16BigEndian(mac[4..], (ushort)port);
    }

    private void WriteIpv4Header(Span<byte> ip, IPAddress source, IPAddress destination, int totalLength)
    {
        ip[0] = 0x45; // version 4, IHL 5 words
        ip[1] = 0; // DSCP/ECN
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)totalLength);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], _ipIdentification++);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], 0x4000); // DF, fragment offset 0
        ip[8] = 64; // TTL
        ip[9] = ProtocolTcp;
        if (!source.TryWriteBytes(ip[12..16], out _) || !destination.TryWriteBytes(ip[16..20], out _))
        {
            throw new ArgumentException("Only IPv4 addresses are supported.");
        }

        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], InternetChecksum(0, ip[..Ipv4HeaderLength]));
    }

    private void WriteRecord(ReadOnlySpan<byte> frame)
    {
        _clock = _clock.AddMilliseconds(1);
        long unixMicroseconds = (_clock - DateTimeOffset.UnixEpoch).Ticks / 10;
        Span<byte> record = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(record, (uint)(unixMicroseconds / 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)(unixMicroseconds % 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)frame.Length); // captured length
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)frame.Length); // original length
        _stream.Write(record);
        _stream.Write(frame);
        FrameCount++;
    }

    /// <summary>TCP checksum over the IPv4 pseudo-header (RFC 793 §3.1) and the segment.</summary>
    private static ushort TcpChecksum(ReadOnlySpan<byte> sourceAddress, ReadOnlySpan<byte> destinationAddress, ReadOnlySpan<byte> segment)
    {
        Span<byte> pseudo = stackalloc byte[12];
        sourceAddress.CopyTo(pseudo);
        destinationAddress.CopyTo(pseudo[4..]);
        pseudo[8] = 0;
        pseudo[9] = ProtocolTcp;
        BinaryPrimitives.WriteUInt16BigEndian(pseudo[10..], (ushort)segment.Length);
        uint sum = Sum16(0, pseudo);
        return InternetChecksum(sum, segment);
    }

    /// <summary>The RFC 1071 Internet checksum: ones' complement of the ones' complement sum of 16-bit words.</summary>
    private static ushort InternetChecksum(uint initialSum, ReadOnlySpan<byte> data)
    {
        uint sum = Sum16(initialSum, data);
        while ((sum >> 16) != 0)
        {
            sum = (sum & 0xffff) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    private static uint Sum16(uint sum, ReadOnlySpan<byte> data)
    {
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (uint)data[i] << 8; // odd length: pad with a zero byte
        }

        // An IPv4 payload is at most 32768 words of 0xffff, which cannot overflow 32 bits before this fold.
        return (sum & 0xffff) + (sum >> 16);
    }

    public void Dispose()
    {
        _stream.Flush();
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }
}

/// <summary>TCP header flag bits (RFC 9293 §3.1).</summary>
[Flags]
public enum TcpFlags : byte
{
    None = 0,
    Fin = 0x01,
    Syn = 0x02,
    Rst = 0x04,
    Psh = 0x08,
    Ack = 0x10,
}
