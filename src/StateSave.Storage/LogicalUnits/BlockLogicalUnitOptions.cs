using StateSave.Storage.BackingStores;

namespace StateSave.Storage.LogicalUnits;

/// <summary>Configuration of a direct-access logical unit (<see cref="BlockLogicalUnit"/>).</summary>
public sealed class BlockLogicalUnitOptions
{
    /// <summary>The medium. Its block length is the logical block length (512 or 4096).</summary>
    public required IBlockStore Store { get; init; }

    /// <summary>T10 VENDOR IDENTIFICATION (8 ASCII characters, padded with spaces).</summary>
    public string VendorIdentification { get; init; } = "STATESAV";

    /// <summary>PRODUCT IDENTIFICATION (16 ASCII characters).</summary>
    public string ProductIdentification { get; init; } = "VIRTUAL-DISK";

    /// <summary>PRODUCT REVISION LEVEL (4 ASCII characters).</summary>
    public string ProductRevisionLevel { get; init; } = "0001";

    /// <summary>PRODUCT SERIAL NUMBER of the Unit Serial Number VPD page (80h).</summary>
    public string UnitSerialNumber { get; init; } = "0000000000000001";

    /// <summary>
    /// The logical unit's NAA IEEE Registered Extended designator (NAA 6h, 16 bytes, VPD page 83h), most
    /// significant byte first; null derives one from <see cref="IeeeCompanyId"/> and <see cref="UnitSerialNumber"/>.
    /// </summary>
    public UInt128? NaaIdentifier { get; init; }

    /// <summary>IEEE COMPANY ID (24 bits) used when deriving the NAA identifier.</summary>
    public uint IeeeCompanyId { get; init; }

    /// <summary>Thin provisioning (LBPME): UNMAP and WRITE SAME with UNMAP deallocate; GET LBA STATUS reports it.</summary>
    public bool ThinProvisioning { get; init; } = true;

    /// <summary>Hardware write protect: every write ends in DATA PROTECT, WRITE PROTECTED.</summary>
    public bool WriteProtected { get; init; }

    /// <summary>Removable medium (RMB): START STOP UNIT LOEJ and PREVENT ALLOW MEDIUM REMOVAL take effect.</summary>
    public bool Removable { get; init; }

    /// <summary>
    /// Whether START STOP UNIT with START = 0 (and LOEJ = 0) puts the logical unit in the stopped power condition
    /// (SBC-4 §4.20): medium-access commands then end in NOT READY, LOGICAL UNIT NOT READY, INITIALIZING COMMAND
    /// REQUIRED until a START. False by default, as on a storage array: a logical unit shared by many hosts stays
    /// ready when one of them asks it to stop (the command is acknowledged and changes nothing), which is also what
    /// libiscsi's StartStopUnit tests expect. A firmware simulator modelling a single drive sets it.
    /// </summary>
    public bool StoppedPowerCondition { get; init; }

    /// <summary>
    /// MAXIMUM TRANSFER LENGTH in logical blocks (Block Limits VPD page); longer transfers are INVALID FIELD IN
    /// CDB. Transfers stream through bounded buffers, so a large limit costs no memory; 65 536 blocks keeps a
    /// 4096-byte-block transfer within a 32-bit expected data transfer length.
    /// </summary>
    public uint MaximumTransferLength { get; init; } = 65536;

    /// <summary>OPTIMAL TRANSFER LENGTH in logical blocks.</summary>
    public uint OptimalTransferLength { get; init; } = 2048;

    /// <summary>MAXIMUM UNMAP LBA COUNT.</summary>
    public uint MaximumUnmapLbaCount { get; init; } = 1 << 20;

    /// <summary>MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT.</summary>
    public uint MaximumUnmapBlockDescriptorCount { get; init; } = 4096;

    /// <summary>MAXIMUM WRITE SAME LENGTH in logical blocks.</summary>
    public ulong MaximumWriteSameLength { get; init; } = DefaultMaximumWriteSameLength;

    /// <summary>The default <see cref="MaximumWriteSameLength"/>: 1 Mi logical blocks.</summary>
    public const ulong DefaultMaximumWriteSameLength = 1 << 20;

    /// <summary>MAXIMUM COMPARE AND WRITE LENGTH in logical blocks (at most 255).</summary>
    public byte MaximumCompareAndWriteLength { get; init; } = 255;

    /// <summary>MAXIMUM ATOMIC TRANSFER LENGTH in logical blocks (WRITE ATOMIC(16)); 0 disables WRITE ATOMIC.</summary>
    public uint MaximumAtomicTransferLength { get; init; } = 256;

    /// <summary>
    /// LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT (READ CAPACITY (16)): 0 = one logical block per physical
    /// block; 3 = 512-byte logical blocks on 4096-byte physical blocks. Also sets the OPTIMAL UNMAP GRANULARITY.
    /// </summary>
    public byte LogicalBlocksPerPhysicalBlockExponent { get; init; }

    /// <summary>MEDIUM ROTATION RATE of the Block Device Characteristics VPD page: 1 = non-rotating (solid state).</summary>
    public ushort MediumRotationRate { get; init; } = 1;

    /// <summary>
    /// TPGS field of standard INQUIRY data (0: no ALUA; 1: implicit; 2: explicit; 3: both); null for what the
    /// target port groups support (3: REPORT and SET TARGET PORT GROUPS both work).
    /// </summary>
    public byte? TargetPortGroupSupport { get; init; }

    /// <summary>
    /// The target port groups (ALUA, SPC-5 §5.16) and the target ports in each; null for one active/optimized group 1
    /// holding relative target ports 1 and 2 (the iSCSI portal groups 1 and 2 of a single-controller target). A storage
    /// system with several controllers gives each controller's ports their own group.
    /// </summary>
    public IReadOnlyList<PortGroups.TargetPortGroupDefinition>? TargetPortGroups { get; init; }

    /// <summary>WCE of the Caching mode page at start.</summary>
    public bool WriteCacheEnabled { get; init; } = true;

    /// <summary>
    /// Shortest time a SANITIZE operation takes (the medium is NOT READY, SANITIZE IN PROGRESS meanwhile). A
    /// real device takes minutes to hours; a few seconds let initiators observe the state.
    /// </summary>
    public TimeSpan SanitizeMinimumDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The reservation check run before each command.</summary>
    public IReservationPolicy ReservationPolicy { get; init; } = NoReservationPolicy.Instance;

    /// <summary>Where persistent reservations with APTPL are kept across restarts; null keeps them in memory.</summary>
    public Reservations.IReservationStore? ReservationStore { get; init; }

    /// <summary>What an error history snapshot (READ BUFFER mode 1Ch) contains; null for the built-in log.</summary>
    public Buffers.IErrorHistorySource? ErrorHistorySource { get; init; }
}
