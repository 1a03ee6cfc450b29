using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using StateSave.Iscsi.Protocol;
using StateSave.Iscsi.Protocol.Pdus;
using StateSave.Iscsi.Transport;
using StateSave.Scsi;

namespace StateSave.Initiator.Benchmarks;

/// <summary>
/// A minimal target that allocates nothing per command, so that the allocations measured are the initiator's:
/// it answers the login without keys (RFC defaults), then every SCSI command with GOOD (reads in one
/// phase-collapsed Data-In from a shared buffer, writes after their immediate data). Also compiled into the initiator
/// tests (steady-state allocation).
/// </summary>
internal sealed class EchoTarget : IIscsiTransportConnector
{
    private static readonly byte[] s_readData = new byte[1024 * 1024];
    private Task _responder = Task.CompletedTask;

    public ValueTask<IIscsiTransportConnection> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken = default)
    {
        (PipePair client, PipePair server) = PipePair.Create();
        _responder = Task.Run(() => RespondAsync(server), CancellationToken.None);
        return ValueTask.FromResult<IIscsiTransportConnection>(client);
    }

    private static async Task RespondAsync(PipePair connection)
    {
        var options = new PduReaderOptions { Direction = PduDirection.FromInitiator, MaxRecvDataSegmentLength = 1024 * 1024 };
        PipeReader input = connection.Input;
        PipeWriter output = connection.Output;
        uint statSN = 1;
        uint expCmdSN = 1;
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync();
                ReadOnlySequence<byte> buffer = result.Buffer;
                bool wrote = false;
                while (IscsiPduReader.TryRead(ref buffer, options, out IscsiPdu pdu))
                {
                    wrote = true;
                    switch (pdu.Opcode)
                    {
                        case IscsiOpcode.LoginRequest:
                        {
                            LoginRequestPdu login = pdu.As<LoginRequestPdu>();
                            expCmdSN = login.CmdSN;
                            IscsiPduWriter.Write(output, new LoginResponsePdu
                            {
                                Transit = true, CurrentStage = login.CurrentStage,
                                NextStage = login.CurrentStage == LoginStage.SecurityNegotiation ? LoginStage.LoginOperationalNegotiation : LoginStage.FullFeaturePhase,
                                Isid = login.Isid, Tsih = 1, InitiatorTaskTag = login.InitiatorTaskTag, StatSN = statSN++, ExpCmdSN = expCmdSN,
                                MaxCmdSN = expCmdSN + 127, Status = LoginStatus.Success,
                            });
                            break;
                        }

                        case IscsiOpcode.ScsiCommand:
                        {
                            ScsiCommandPdu command = pdu.As<ScsiCommandPdu>();
                            expCmdSN = command.CmdSN + 1;
                            if (command.Read)
                            {
                                IscsiPduWriter.Write(output, new ScsiDataInPdu
                                {
                                    Final = true, HasStatus = true, Status = ScsiStatus.Good, InitiatorTaskTag = command.InitiatorTaskTag, StatSN = statSN++,
                                    ExpCmdSN = expCmdSN, MaxCmdSN = expCmdSN + 127,
                                    DataSegment = new ReadOnlySequence<byte>(s_readData, 0, (int)command.ExpectedDataTransferLength),
                                });
                            }
                            else
                            {
                                IscsiPduWriter.Write(output, new ScsiResponsePdu
                                {
                                    InitiatorTaskTag = command.InitiatorTaskTag, Status = ScsiStatus.Good, StatSN = statSN++, ExpCmdSN = expCmdSN,
                                    MaxCmdSN = expCmdSN + 127,
                                });
                            }

                            break;
                        }

                        case IscsiOpcode.LogoutRequest:
                            IscsiPduWriter.Write(output, new LogoutResponsePdu
                            {
                                InitiatorTaskTag = pdu.Header.InitiatorTaskTag, StatSN = statSN++, ExpCmdSN = expCmdSN, MaxCmdSN = expCmdSN + 127,
                            });
                            break;
                    }
                }

                input.AdvanceTo(buffer.Start, buffer.End);
                if (wrote)
                {
                    await output.FlushAsync();
                }

                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception error) when (error is IOException or InvalidOperationException or OperationCanceledException or IscsiProtocolException)
        {
        }
    }
}
