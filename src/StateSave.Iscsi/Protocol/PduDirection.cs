namespace StateSave.Iscsi.Protocol;

/// <summary>Which opcodes a reader accepts.</summary>
public enum PduDirection
{
    /// <summary>This side is a target: only initiator opcodes (0x00–0x1f) are valid.</summary>
    FromInitiator,
    /// <summary>This side is an initiator: only target opcodes (0x20–0x3f) are valid.</summary>
    FromTarget,
    /// <summary>Either direction (analysers, tests).</summary>
    Any,
}
