using System.Buffers;
using System.Buffers.Binary;

namespace StateSave.Iscsi.Protocol.Pdus;

/// <summary>
/// Task Management Function Request (RFC 7143 §11.5).
/// <code>
/// Byte/     0       |       1       |       2       |       3       |
///    +---------------+---------------+---------------+---------------+
///   0|.|I| 0x02      |1| Function    | Reserved                      |
///    +---------------+---------------+---------------+---------------+
///   4|TotalAHSLength | DataSegmentLength                             |
///    +---------------+---------------+---------------+---------------+
///   8| Logical Unit Number (LUN) or Reserved                         |
///    +                                                               +
///  12|                                                               |
///    +---------------+---------------+---------------+---------------+
///  16| Initiator Task Tag                                            |
///    +---------------+---------------+---------------+---------------+
///  20| Referenced Task Tag or 0xffffffff                             |
///    +---------------+---------------+---------------+---------------+
///  24| CmdSN                                                         |
///    +---------------+---------------+---------------+---------------+
///  28| ExpStatSN                                                     |
///    +---------------+---------------+---------------+---------------+
///  32| RefCmdSN or Reserved                                          |
///    +---------------+---------------+---------------+---------------+
///  36| ExpDataSN or Reserved                                         |
///    +---------------+---------------+---------------+---------------+
///  40/ Reserved                                                      /
///   +/                                                               /
///    +---------------+---------------+---------------+---------------+
///  48| Header-Digest (optional)                                      |
///    +---------------+---------------+---------------+---------------+
/// </code>
/// </summary>
public struct TaskManagementFunctionRequestPdu : IIscsiPdu<TaskManagementFunctionRequestPdu>
{
    private const byte FunctionMask = 0x7F;
    private const int ReferencedTaskTagOffset = 20;
    private const int CmdSNOffset = 24;
    private const int ExpStatSNOffset = 28;
    private const int RefCmdSNOffset = 32;
    private const int ExpDataSNOffset = 36;

    public TaskManagementFunctionRequestPdu()
    {
    }

    public readonly IscsiOpcode Opcode => IscsiOpcode.TaskManagementFunctionRequest;

    public bool Immediate { get; set; }

    public TaskManagementFunction Function { get; set; }

    public ulong Lun { get; set; }

    public uint InitiatorTaskTag { get; set; }

    public uint ReferencedTaskTag { get; set; } = ReservedTag.Value;

    public uint CmdSN { get; set; }

    public uint ExpStatSN { get; set; }

    public uint RefCmdSN { get; set; }

    public uint ExpDataSN { get; set; }

    public readonly ReadOnlySequence<byte> DataSegment => ReadOnlySequence<byte>.Empty;

    public readonly int AdditionalHeaderSegmentsLength => 0;

    public readonly void EncodeHeader(Span<byte> bhs)
    {
        BasicHeaderSegment.WriteOpcode(bhs, IscsiOpcode.TaskManagementFunctionRequest, Immediate);
        bhs[1] = (byte)(0x80 | ((byte)Function & FunctionMask));
        BinaryPrimitives.WriteUInt64BigEndian(bhs[BasicHeaderSegment.LunOffset..], Lun);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[BasicHeaderSegment.InitiatorTaskTagOffset..], InitiatorTaskTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ReferencedTaskTagOffset..], ReferencedTaskTag);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[CmdSNOffset..], CmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpStatSNOffset..], ExpStatSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[RefCmdSNOffset..], RefCmdSN);
        BinaryPrimitives.WriteUInt32BigEndian(bhs[ExpDataSNOffset..], ExpDataSN);
    }

    public readonly void EncodeAdditionalHeaderSegments(Span<byte> destination)
    {
    }

    public static TaskManagementFunctionRequestPdu Parse(in IscsiPdu pdu)
    {
        PduParsing.ExpectOpcode(pdu, IscsiOpcode.TaskManagementFunctionRequest);
        PduParsing.ExpectNoAhs(pdu);
        PduParsing.ExpectNoData(pdu);
        PduParsing.ExpectFinal(pdu);
        BasicHeaderSegment h = pdu.Header;

        // An unknown function code is not a framing error: the target answers it with a Task Management
        // Function Response "Task management function not supported" (RFC 7143 §11.6.1), so it is passed up.
        return new TaskManagementFunctionRequestPdu
        {
            Immediate = h.Immediate,
            Function = (TaskManagementFunction)(h[1] & FunctionMask),
            Lun = h.Lun,
            InitiatorTaskTag = h.InitiatorTaskTag,
            ReferencedTaskTag = h.ReadUInt32(ReferencedTaskTagOffset),
            CmdSN = h.ReadUInt32(CmdSNOffset),
            ExpStatSN = h.ReadUInt32(ExpStatSNOffset),
            RefCmdSN = h.ReadUInt32(RefCmdSNOffset),
            ExpDataSN = h.ReadUInt32(ExpDataSNOffset),
        };
    }
}
