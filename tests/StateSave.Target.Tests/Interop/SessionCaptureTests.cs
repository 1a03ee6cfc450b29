using System.Buffers;
using System.Net;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Iscsi.Tests.Interop;
using StateSave.Iscsi.Tests.TestSupport;
using StateSave.Scsi;
using StateSave.Target.Tests.FullFeature;
using StateSave.Target.Tests.TestSupport;

namespace StateSave.Target.Tests.Interop;

/// <summary>
/// A whole session with the target — login negotiating CRC32C header and data digests, a write solicited by R2T,
/// a read, a task management function and logout — written to a capture exactly as it crossed the connection
/// and decoded by Wireshark's tshark: every PDU must decode as iSCSI, nothing malformed, no expert warning or error,
/// and every digest the target computed must check as good.
/// </summary>
[TestFixture]
[Category("Interop")]
public sealed class SessionCaptureTests
{
    private const uint SeverityWarning = 0x00600000;

    [Test]
    public async Task A_session_with_digests_io_tmf_and_logout_decodes_cleanly_in_wireshark()
    {
        string tshark = Tshark.FindOrIgnore();
        List<(bool FromInitiator, byte[] Bytes)> transcript = await RunSessionAsync();

        string directory = Directory.CreateTempSubdirectory("statesave-capture-").FullName;
        try
        {
            string capture = Path.Combine(directory, "session.pcap");
            using (var pcap = new PcapWriter(File.Create(capture)))
            {
                var tcp = new SyntheticTcpConnection(pcap, new IPEndPoint(IPAddress.Parse("192.0.2.1"), 51000), new IPEndPoint(IPAddress.Parse("192.0.2.2"), 3260));
                foreach ((bool fromInitiator, byte[] bytes) in transcript)
                {
                    tcp.Send(fromInitiator, bytes);
                }
            }

            string config = Directory.CreateDirectory(Path.Combine(directory, "wireshark-config")).FullName;
            IReadOnlyList<PdmlPacket> packets = Tshark.DecodeToPdml(tshark, capture, config, ["-d", "tcp.port==3260,iscsi"], TimeSpan.FromSeconds(60));
            var pdus = packets.SelectMany(p => p.Iscsi).ToList();
            Assert.That(pdus, Has.Count.EqualTo(transcript.Count), "every PDU decodes as iSCSI");
            foreach (PdmlPacket packet in packets)
            {
                Assert.That(packet.Protocols, Does.Not.Contain("_ws.malformed"), $"frame {packet.FrameNumber} is malformed");
                var problems = packet.ExpertInfos.Where(e => e.Severity >= SeverityWarning).ToList();
                Assert.That(problems, Is.Empty, $"frame {packet.FrameNumber}: Wireshark expert info");
            }

            var digests = pdus.SelectMany(p => p.All("iscsi.headerdigest32").Concat(p.All("iscsi.datadigest32"))).ToList();
            Assert.That(digests, Is.Not.Empty, "digests are in force after login");
            Assert.That(digests.Select(d => d.ShowName), Has.All.Contains("Good CRC32"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<List<(bool, byte[])>> RunSessionAsync()
    {
        await using InMemoryTarget target = InMemoryTarget.Start(new RamDiskDevice());
        await using TestInitiator initiator = await target.ConnectAsync();
        (LoginResponsePdu login, IReadOnlyList<TextKeyValue> pairs) = await initiator.LoginAsync(InMemoryTarget.TargetName,
            [new("HeaderDigest", "CRC32C"), new("DataDigest", "CRC32C"), new("MaxRecvDataSegmentLength", "4096")]);
        Assert.That(login.Status, Is.EqualTo(LoginStatus.Success));
        Assert.That(pairs, Does.Contain(new TextKeyValue("HeaderDigest", "CRC32C")));
        initiator.UseDigests(DigestOptions.Both);

        byte[] payload = [.. Enumerable.Range(0, 4096).Select(i => (byte)i)];
        await FullFeaturePhaseTests.SendCommandAsync(initiator, FullFeaturePhaseTests.Cdb10(ScsiOpcode.Write10, 0, 8), itt: 1, write: 4096);
        ReadyToTransferPdu r2t = (await initiator.ReceiveAsync())!.As<ReadyToTransferPdu>();
        await initiator.SendAsync(new ScsiDataOutPdu
        {
            Final = true, InitiatorTaskTag = 1, TargetTransferTag = r2t.TargetTransferTag, BufferOffset = 0, DataSegment = new ReadOnlySequence<byte>(payload),
        });
        Assert.That((await initiator.ReceiveAsync())!.As<ScsiResponsePdu>().Status, Is.EqualTo(ScsiStatus.Good));

        await FullFeaturePhaseTests.SendCommandAsync(initiator, FullFeaturePhaseTests.Cdb10(ScsiOpcode.Read10, 0, 16), itt: 2, read: 8192);
        ScsiDataInPdu first = (await initiator.ReceiveAsync())!.As<ScsiDataInPdu>();
        ScsiDataInPdu second = (await initiator.ReceiveAsync())!.As<ScsiDataInPdu>();
        Assert.That((first.HasStatus, second.HasStatus, second.DataSN), Is.EqualTo((false, true, 1u)));

        await initiator.SendAsync(new TaskManagementFunctionRequestPdu
        {
            Immediate = true, Function = TaskManagementFunction.AbortTask, InitiatorTaskTag = 3, ReferencedTaskTag = 2,
            CmdSN = initiator.CmdSN, RefCmdSN = initiator.CmdSN - 1,
        });
        Assert.That((await initiator.ReceiveAsync())!.Opcode, Is.EqualTo(IscsiOpcode.TaskManagementFunctionResponse));

        await initiator.SendAsync(new LogoutRequestPdu { Immediate = true, InitiatorTaskTag = 4, CmdSN = initiator.CmdSN });
        Assert.That((await initiator.ReceiveAsync())!.Opcode, Is.EqualTo(IscsiOpcode.LogoutResponse));
        return initiator.Transcript;
    }
}
