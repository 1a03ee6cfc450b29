namespace StateSave.Initiator.InBand;

/// <summary>
/// One buffer of a host's state-save snapshot (specs/in-band-state-save.md §3): its name, BUFFER FORMAT code, content
/// type and bytes, frozen at snapshot time.
/// </summary>
/// <param name="Name">What it holds, e.g. "hba-driver" or "application/orders".</param>
/// <param name="Format">BUFFER FORMAT: 02h HBA driver, 03h failover driver, 10h application log (01h is the manifest).</param>
/// <param name="ContentType">A media type, e.g. application/json or text/plain.</param>
/// <param name="Data">The bytes.</param>
public sealed record SnapshotBuffer(string Name, byte Format, string ContentType, ReadOnlyMemory<byte> Data)
{
    public const byte ManifestFormat = 0x01;
    public const byte HbaDriverFormat = 0x02;
    public const byte FailoverDriverFormat = 0x03;
    public const byte ApplicationLogFormat = 0x10;
}
