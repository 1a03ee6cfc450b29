using StateSave.Iscsi.Protocol;
using StateSave.Scsi.Server;

namespace StateSave.Target.Connections;

/// <summary>
/// The connection's send lock, held: PDUs written through it get their StatSN, ExpCmdSN and MaxCmdSN in
/// the order they are written, and go out with one flush when the batch is disposed.
/// </summary>
internal readonly struct SendBatch(TargetConnection connection)
{
    public void Write<TPdu>(ref TPdu pdu, bool advanceStatSN)
        where TPdu : struct, IIscsiPdu<TPdu>, ITargetSequencedPdu =>
        connection.WriteLocked(ref pdu, advanceStatSN);

    /// <summary>Writes a PDU whose data segment <paramref name="source"/> copies straight into the send buffers.</summary>
    public void WriteInPlace<TPdu>(ref TPdu pdu, bool advanceStatSN, IDataInSource source, long sourceOffset, int dataLength)
        where TPdu : struct, IIscsiPdu<TPdu>, ITargetSequencedPdu =>
        connection.WriteInPlaceLocked(ref pdu, advanceStatSN, source, sourceOffset, dataLength);

    /// <summary>Writes a PDU that carries no sequence numbers (a vendor-specific PDU of the in-band state-save protocol).</summary>
    public void WriteUnsequenced<TPdu>(ref TPdu pdu)
        where TPdu : struct, IIscsiPdu<TPdu> =>
        connection.WriteUnsequencedLocked(ref pdu);

    public ValueTask DisposeAsync() => connection.EndBatchAsync();
}
