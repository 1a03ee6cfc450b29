using System.Net;

namespace StateSave.Iscsi.Tests.TestSupport;

/// <summary>
/// One synthetic TCP connection written into a <see cref="PcapWriter"/>: a SYN / SYN-ACK / ACK handshake, then
/// segments in either direction whose sequence and acknowledgement numbers advance with the payload, so that a
/// decoder's TCP reassembly sees a clean, in-order byte stream.
/// </summary>
public sealed class SyntheticTcpConnection
{
    private readonly PcapWriter _pcap;
    private uint _clientNext;
    private uint _serverNext;

    /// <summary>Writes the three-way handshake between <paramref name="client"/> and <paramref name="server"/>.</summary>
    public SyntheticTcpConnection(PcapWriter pcap, IPEndPoint client, IPEndPoint server, uint clientInitialSequence = 0x1000_0000, uint serverInitialSequence = 0x2000_0000)
    {
        ArgumentNullException.ThrowIfNull(pcap);
        _pcap = pcap;
        Client = client;
        Server = server;
        _pcap.WriteTcpSegment(client, server, clientInitialSequence, 0, TcpFlags.Syn, []);
        _pcap.WriteTcpSegment(server, client, serverInitialSequence, clientInitialSequence + 1, TcpFlags.Syn | TcpFlags.Ack, []);
        _clientNext = clientInitialSequence + 1;
        _serverNext = serverInitialSequence + 1;
        _pcap.WriteTcpSegment(client, server, _clientNext, _serverNext, TcpFlags.Ack, []);
    }

    public IPEndPoint Client { get; }

    public IPEndPoint Server { get; }

    /// <summary>Sends <paramref name="payload"/> as one PSH/ACK segment; returns its frame number.</summary>
    public int Send(bool fromClient, ReadOnlySpan<byte> payload)
    {
        int frame;
        if (fromClient)
        {
            frame = _pcap.WriteTcpSegment(Client, Server, _clientNext, _serverNext, TcpFlags.Psh | TcpFlags.Ack, payload);
            _clientNext += (uint)payload.Length;
        }
        else
        {
            frame = _pcap.WriteTcpSegment(Server, Client, _serverNext, _clientNext, TcpFlags.Psh | TcpFlags.Ack, payload);
            _serverNext += (uint)payload.Length;
        }

        return frame;
    }
}
