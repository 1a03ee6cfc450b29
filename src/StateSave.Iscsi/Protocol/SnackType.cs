namespace StateSave.Iscsi.Protocol;

/// <summary>The Type field of a SNACK Request (RFC 7143 §11.16.1).</summary>
public enum SnackType : byte
{
    DataR2T = 0,
    Status = 1,
    DataAck = 2,
    RData = 3,
}
