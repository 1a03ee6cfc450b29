namespace StateSave.Iscsi.Protocol;

/// <summary>The Response field of a SCSI Response PDU (RFC 7143 §11.4.3).</summary>
public enum ScsiServiceResponse : byte
{
    CommandCompletedAtTarget = 0x00,
    TargetFailure = 0x01,
}
