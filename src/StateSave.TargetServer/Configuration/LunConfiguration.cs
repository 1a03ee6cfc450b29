namespace StateSave.TargetServer.Configuration;

/// <summary>One logical unit of a target: its number, backing store, geometry, identity and who may see it.</summary>
public sealed class LunConfiguration
{
    /// <summary>The logical unit number (0-16383, single-level flat addressing).</summary>
    public int Lun { get; set; }

    /// <summary>"memory" or "sparseFile".</summary>
    public BackingStoreKind Backing { get; set; } = BackingStoreKind.Memory;

    /// <summary>The sparse file's path (sparseFile only); relative paths are relative to the configuration file.</summary>
    public string? Path { get; set; }

    /// <summary>The capacity: bytes, or a number with KiB, MiB, GiB or TiB; a multiple of the block size.</summary>
    public string? Size { get; set; }

    /// <summary>The logical block length in bytes: 512 or 4096.</summary>
    public int BlockSize { get; set; } = 512;

    /// <summary>Thin provisioning (SBC-4 §4.7.3): UNMAP, WRITE SAME with UNMAP, GET LBA STATUS.</summary>
    public bool ThinProvisioning { get; set; }

    /// <summary>MAXIMUM WRITE SAME LENGTH in logical blocks (Block Limits VPD page); null for the default (1 Mi blocks).</summary>
    public ulong? MaximumWriteSameLength { get; set; }

    /// <summary>
    /// LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT (READ CAPACITY (16)), 0-15: 2^n logical blocks per physical block,
    /// which is also the OPTIMAL UNMAP GRANULARITY; null for 0.
    /// </summary>
    public int? PhysicalBlockExponent { get; set; }

    /// <summary>Write protected (the medium is read-only).</summary>
    public bool ReadOnly { get; set; }

    /// <summary>A removable medium (INQUIRY RMB=1): START STOP UNIT may load and eject it.</summary>
    public bool Removable { get; set; }

    /// <summary>The INQUIRY T10 VENDOR IDENTIFICATION (at most 8 ASCII characters).</summary>
    public string? Vendor { get; set; }

    /// <summary>The INQUIRY PRODUCT IDENTIFICATION (at most 16 ASCII characters).</summary>
    public string? Product { get; set; }

    /// <summary>The unit serial number (VPD 80h; printable ASCII, at most 64 characters).</summary>
    public string? Serial { get; set; }

    /// <summary>
    /// LUN masking: the initiators that see this logical unit; null for every initiator allowed on the target.
    /// Needs the target's allowedInitiators (an initiator the device does not know sees every LUN).
    /// </summary>
    public IList<string>? AllowedInitiators { get; set; }
}
