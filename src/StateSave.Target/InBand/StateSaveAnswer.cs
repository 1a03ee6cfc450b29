using StateSave.Scsi;

namespace StateSave.Target.InBand;

/// <summary>A host's answer to a State Save Request: its status, the sense with CHECK CONDITION, and how much data came.</summary>
public sealed record StateSaveAnswer(ScsiStatus Status, SenseData? Sense, long BytesReceived, uint ResidualCount);
