namespace StateSave.Initiator.InBand;

/// <summary>A State Save Request the storage controller sent on a session (specs/in-band-state-save.md §2.1), copied out of the PDU.</summary>
/// <param name="Lun">The LUN it is about.</param>
/// <param name="VendorTaskTag">The tag every State Save Data PDU of the answer echoes.</param>
/// <param name="FailureId">The failure it belongs to.</param>
/// <param name="Cdb">The 16 CDB bytes (STATE SAVE or READ BUFFER (16) mode 1Ch).</param>
/// <param name="ParameterList">The parameter list (bounded by the initiator's MaxRecvDataSegmentLength).</param>
public sealed record InBandStateSaveRequest(ulong Lun, uint VendorTaskTag, ulong FailureId, ReadOnlyMemory<byte> Cdb, ReadOnlyMemory<byte> ParameterList);
