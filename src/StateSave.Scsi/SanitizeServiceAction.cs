namespace StateSave.Scsi;

/// <summary>SERVICE ACTION field of SANITIZE, operation code 48h (SBC-4 SANITIZE command).</summary>
public enum SanitizeServiceAction : byte
{
    Overwrite = 0x01,
    BlockErase = 0x02,
    CryptographicErase = 0x03,
    ExitFailureMode = 0x1f,
}
