using System.Buffers.Binary;
using System.Globalization;

namespace StateSave.Scsi;

/// <summary>
/// An eight-byte logical unit number (SAM-5 §4.7): up to four two-byte levels, each starting with an
/// ADDRESS METHOD. Held as the big-endian wire bytes read as one <see cref="ulong"/> (byte 0 in bits 63-56),
/// which is how the iSCSI PDUs carry it (RFC 7143, LUN field). Most targets use a single level:
/// <see cref="FromSingleLevel"/> uses peripheral device addressing below 256 and flat space addressing for
/// 256-16383, as Linux and tgt do.
/// </summary>
public readonly struct LogicalUnitNumber : IEquatable<LogicalUnitNumber>
{
    /// <summary>Length of a LUN on the wire.</summary>
    public const int Length = 8;

    /// <summary>Largest single-level LUN (flat space addressing, 14 bits).</summary>
    public const int MaximumSingleLevel = 0x3fff;

    private const int ExtendedFlatSpace = 0xd2;     // 11b | LENGTH 01b (4 bytes) | method 2h
    private const int WellKnownLogicalUnit = 0xc1;  // 11b | LENGTH 00b (2 bytes) | method 1h

    /// <summary>From the big-endian wire form read as one integer (byte 0 in bits 63-56).</summary>
    public LogicalUnitNumber(ulong value) => Value = value;

    /// <summary>The eight wire bytes as a big-endian integer.</summary>
    public ulong Value { get; }

    /// <summary>LUN 0: <c>00 00 00 00 00 00 00 00</c>.</summary>
    public static LogicalUnitNumber Zero => default;

    /// <summary>The REPORT LUNS well-known logical unit, W-LUN 01h: <c>C1 01 00 00 00 00 00 00</c> (SAM-5 §4.7, well-known logical units; SPC-5 REPORT LUNS).</summary>
    public static LogicalUnitNumber ReportLunsWellKnown => WellKnown(0x01);

    /// <summary>
    /// A single-level LUN: peripheral device addressing (<c>00 nn</c>) for 0-255, flat space addressing
    /// (<c>40|hi lo</c>) for 256-16383.
    /// </summary>
    public static LogicalUnitNumber FromSingleLevel(int lun)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lun);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lun, MaximumSingleLevel);
        return lun < 256 ? PeripheralDevice((byte)lun) : FlatSpace(lun);
    }

    /// <summary>Peripheral device addressing (00b): BUS IDENTIFIER (0-63) and TARGET OR LUN.</summary>
    public static LogicalUnitNumber PeripheralDevice(byte targetOrLun, int busIdentifier = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(busIdentifier);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(busIdentifier, 0x3f);
        return FirstLevel((busIdentifier << 8) | targetOrLun);
    }

    /// <summary>Flat space addressing (01b): a 14-bit LUN.</summary>
    public static LogicalUnitNumber FlatSpace(int lun)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lun);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lun, MaximumSingleLevel);
        return FirstLevel(0x4000 | lun);
    }

    /// <summary>Logical unit addressing (10b): TARGET (0-63), BUS NUMBER (0-7), LUN (0-31).</summary>
    public static LogicalUnitNumber LogicalUnit(int target, int bus, int lun)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(target);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(target, 0x3f);
        ArgumentOutOfRangeException.ThrowIfNegative(bus);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bus, 7);
        ArgumentOutOfRangeException.ThrowIfNegative(lun);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lun, 0x1f);
        return FirstLevel(0x8000 | (target << 8) | (bus << 5) | lun);
    }

    /// <summary>A well-known logical unit (extended addressing, LENGTH 00b, method 1h): <c>C1 ww</c>.</summary>
    public static LogicalUnitNumber WellKnown(byte wellKnownLun) => FirstLevel((WellKnownLogicalUnit << 8) | wellKnownLun);

    /// <summary>Extended flat space addressing (LENGTH 01b, method 2h): <c>D2</c> and a 24-bit LUN.</summary>
    public static LogicalUnitNumber ExtendedFlatSpaceLun(int lun)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lun);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lun, 0xff_ffff);
        return new LogicalUnitNumber(((ulong)ExtendedFlatSpace << 56) | ((ulong)lun << 32));
    }

    private static LogicalUnitNumber FirstLevel(int level) => new((ulong)(ushort)level << 48);

    /// <summary>Reads the eight wire bytes; false when <paramref name="source"/> is shorter.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out LogicalUnitNumber lun)
    {
        if (source.Length < Length)
        {
            lun = default;
            return false;
        }

        lun = new LogicalUnitNumber(BinaryPrimitives.ReadUInt64BigEndian(source));
        return true;
    }

    /// <summary>Writes the eight wire bytes; false when <paramref name="destination"/> is shorter.</summary>
    public bool TryWrite(Span<byte> destination) => BinaryPrimitives.TryWriteUInt64BigEndian(destination, Value);

    /// <summary>Writes the eight wire bytes.</summary>
    public void Write(Span<byte> destination) => BinaryPrimitives.WriteUInt64BigEndian(destination, Value);

    /// <summary>ADDRESS METHOD of the first level.</summary>
    public LunAddressMethod AddressMethod => (LunAddressMethod)(Value >> 62);

    /// <summary>Level 0-3 (FIRST LEVEL ADDRESSING ... FOURTH LEVEL ADDRESSING), two bytes each.</summary>
    public ushort GetLevel(int level)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 3);
        return (ushort)(Value >> (48 - (16 * level)));
    }

    /// <summary>True for a well-known logical unit (<c>C1 ww 00 ...</c>).</summary>
    public bool IsWellKnown => (Value >> 56) == WellKnownLogicalUnit && (Value & 0x0000_ffff_ffff_ffff) == 0;

    /// <summary>
    /// The LUN as one number when it is single-level: peripheral device addressing on bus 0, flat space,
    /// or extended flat space. False for other forms (multi-level, well-known, logical unit addressing).
    /// </summary>
    public bool TryGetSingleLevel(out int lun)
    {
        lun = 0;
        ushort first = (ushort)(Value >> 48);
        bool restZero = (Value & 0x0000_ffff_ffff_ffff) == 0;
        switch (AddressMethod)
        {
            case LunAddressMethod.PeripheralDevice when restZero && first <= 0xff:
                lun = first;
                return true;
            case LunAddressMethod.FlatSpace when restZero:
                lun = first & 0x3fff;
                return true;
            case LunAddressMethod.ExtendedLogicalUnit when (Value >> 56) == ExtendedFlatSpace && (Value & 0xffff_ffff) == 0:
                lun = (int)((Value >> 32) & 0xff_ffff);
                return true;
            default:
                return false;
        }
    }

    /// <summary>"5" for a single-level LUN, "W-LUN 01h" for a well-known one, else the 16 hex digits of the wire form.</summary>
    public override string ToString()
    {
        if (TryGetSingleLevel(out int lun))
        {
            return lun.ToString(CultureInfo.InvariantCulture);
        }

        return IsWellKnown
            ? string.Create(CultureInfo.InvariantCulture, $"W-LUN {(byte)(Value >> 48):X2}h")
            : string.Create(CultureInfo.InvariantCulture, $"0x{Value:X16}");
    }

    public bool Equals(LogicalUnitNumber other) => Value == other.Value;

    public override bool Equals(object? obj) => obj is LogicalUnitNumber other && Equals(other);

    public override int GetHashCode() => Value.GetHashCode();

    public static bool operator ==(LogicalUnitNumber left, LogicalUnitNumber right) => left.Equals(right);

    public static bool operator !=(LogicalUnitNumber left, LogicalUnitNumber right) => !left.Equals(right);
}
