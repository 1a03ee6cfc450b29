namespace StateSave.Iscsi.Protocol;

/// <summary>
/// The six-bit opcode in byte 0 of every Basic Header Segment (RFC 7143 §11.2.1.2).
/// Initiator opcodes are 0x00–0x1f, target opcodes 0x20–0x3f.
/// </summary>
public enum IscsiOpcode : byte
{
    // Initiator opcodes (RFC 7143 §11.2.1.2)
    NopOut = 0x00,
    ScsiCommand = 0x01,
    TaskManagementFunctionRequest = 0x02,
    LoginRequest = 0x03,
    TextRequest = 0x04,
    ScsiDataOut = 0x05,
    LogoutRequest = 0x06,
    SnackRequest = 0x10,
    VendorSpecificInitiator1C = 0x1c,
    VendorSpecificInitiator1D = 0x1d,
    VendorSpecificInitiator1E = 0x1e,

    // Target opcodes
    NopIn = 0x20,
    ScsiResponse = 0x21,
    TaskManagementFunctionResponse = 0x22,
    LoginResponse = 0x23,
    TextResponse = 0x24,
    ScsiDataIn = 0x25,
    LogoutResponse = 0x26,
    ReadyToTransfer = 0x31,
    AsynchronousMessage = 0x32,
    VendorSpecificTarget3C = 0x3c,
    VendorSpecificTarget3D = 0x3d,
    VendorSpecificTarget3E = 0x3e,
    Reject = 0x3f,
}

/// <summary>Classification helpers for <see cref="IscsiOpcode"/>.</summary>
public static class IscsiOpcodeExtensions
{
    /// <summary>True for the opcodes RFC 7143 defines (including the vendor-specific ranges); false for reserved values.</summary>
    public static bool IsDefined(this IscsiOpcode opcode) => opcode switch
    {
        IscsiOpcode.NopOut or IscsiOpcode.ScsiCommand or IscsiOpcode.TaskManagementFunctionRequest
            or IscsiOpcode.LoginRequest or IscsiOpcode.TextRequest or IscsiOpcode.ScsiDataOut
            or IscsiOpcode.LogoutRequest or IscsiOpcode.SnackRequest
            or IscsiOpcode.VendorSpecificInitiator1C or IscsiOpcode.VendorSpecificInitiator1D or IscsiOpcode.VendorSpecificInitiator1E
            or IscsiOpcode.NopIn or IscsiOpcode.ScsiResponse or IscsiOpcode.TaskManagementFunctionResponse
            or IscsiOpcode.LoginResponse or IscsiOpcode.TextResponse or IscsiOpcode.ScsiDataIn
            or IscsiOpcode.LogoutResponse or IscsiOpcode.ReadyToTransfer or IscsiOpcode.AsynchronousMessage
            or IscsiOpcode.VendorSpecificTarget3C or IscsiOpcode.VendorSpecificTarget3D or IscsiOpcode.VendorSpecificTarget3E
            or IscsiOpcode.Reject => true,
        _ => false,
    };

    /// <summary>True when the opcode is sent by an initiator (0x00–0x1f).</summary>
    public static bool IsInitiatorOpcode(this IscsiOpcode opcode) => (byte)opcode < 0x20;

    /// <summary>True for the vendor-specific opcodes 0x1c–0x1e and 0x3c–0x3e.</summary>
    public static bool IsVendorSpecific(this IscsiOpcode opcode) =>
        opcode is >= IscsiOpcode.VendorSpecificInitiator1C and <= IscsiOpcode.VendorSpecificInitiator1E
            or >= IscsiOpcode.VendorSpecificTarget3C and <= IscsiOpcode.VendorSpecificTarget3E;
}
