namespace StateSave.Iscsi.Protocol;

/// <summary>The CSG and NSG fields of Login PDUs (RFC 7143 §11.12.3).</summary>
public enum LoginStage : byte
{
    SecurityNegotiation = 0,
    LoginOperationalNegotiation = 1,
    /// <summary>Value 2 is reserved.</summary>
    Reserved = 2,
    FullFeaturePhase = 3,
}
