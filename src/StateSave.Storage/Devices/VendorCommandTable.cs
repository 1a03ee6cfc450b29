using StateSave.Scsi;

namespace StateSave.Storage.Devices;

/// <summary>Vendor-specific operation codes (C0h-FFh) and their handlers. Thread-safe.</summary>
public sealed class VendorCommandTable
{
    private readonly IVendorCommandHandler?[] _handlers = new IVendorCommandHandler?[256 - ScsiOpcodeExtensions.FirstVendorSpecific];

    /// <summary>Registers (or replaces, or with null removes) the handler of <paramref name="opcode"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="opcode"/> is below C0h.</exception>
    public void Register(byte opcode, IVendorCommandHandler? handler)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(opcode, ScsiOpcodeExtensions.FirstVendorSpecific);
        Volatile.Write(ref _handlers[opcode - ScsiOpcodeExtensions.FirstVendorSpecific], handler);
    }

    public bool TryGet(byte opcode, out IVendorCommandHandler handler)
    {
        handler = null!;
        if (opcode < ScsiOpcodeExtensions.FirstVendorSpecific)
        {
            return false;
        }

        IVendorCommandHandler? found = Volatile.Read(ref _handlers[opcode - ScsiOpcodeExtensions.FirstVendorSpecific]);
        if (found is null)
        {
            return false;
        }

        handler = found;
        return true;
    }
}
