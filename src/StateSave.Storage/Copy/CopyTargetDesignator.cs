namespace StateSave.Storage.Copy;

/// <summary>
/// The designator of an identification descriptor target descriptor (E4h, SPC-5 §6.4.5.2): the same fields as a
/// Device Identification VPD page designation descriptor (SPC-5 §7.7.6). Logical units are usually named by an
/// NAA designator (DESIGNATOR TYPE 3h, ASSOCIATION 0).
/// </summary>
/// <param name="CodeSet">CODE SET (1h binary, 2h ASCII, 3h UTF-8).</param>
/// <param name="Association">ASSOCIATION (0 logical unit).</param>
/// <param name="DesignatorType">DESIGNATOR TYPE (3h NAA).</param>
/// <param name="Designator">The DESIGNATOR bytes (at most 20).</param>
public sealed record CopyTargetDesignator(byte CodeSet, byte Association, byte DesignatorType, ReadOnlyMemory<byte> Designator)
{
    public const byte NaaDesignatorType = 0x3;

    /// <summary>Whether <paramref name="designator"/> names the same thing (type, association and bytes; the code set is not compared).</summary>
    public bool Matches(byte association, byte designatorType, ReadOnlySpan<byte> designator) =>
        Association == association && DesignatorType == designatorType && Designator.Span.SequenceEqual(designator);
}
