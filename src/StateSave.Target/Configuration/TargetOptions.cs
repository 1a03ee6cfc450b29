using StateSave.Scsi.Server;

namespace StateSave.Target.Configuration;

/// <summary>One iSCSI target node served by the server: its name, where it is reachable, who may log in, and its SCSI target device.</summary>
public sealed class TargetOptions
{
    /// <summary>The iSCSI name (iqn., eui. or naa. format, RFC 7143 §4.2.7).</summary>
    public required string Name { get; init; }

    /// <summary>A human-readable TargetAlias, or null.</summary>
    public string? Alias { get; init; }

    /// <summary>The SCSI target device (logical units and their device servers) behind the target.</summary>
    public required IScsiDeviceServer DeviceServer { get; init; }

    /// <summary>The portal groups the target is reachable through; null for all.</summary>
    public IList<ushort>? PortalGroupTags { get; init; }

    /// <summary>Initiator names allowed to log in (access control); null allows any initiator.</summary>
    public IList<string>? AllowedInitiators { get; init; }

    /// <summary>CHAP credentials; null for no authentication (AuthMethod=None).</summary>
    public ChapOptions? Chap { get; init; }

    /// <summary>
    /// A login redirection (RFC 7143 §11.13.5): when set, every login to this target is answered with
    /// "target moved temporarily" (or permanently) and this TargetAddress ("host:port,tpgt").
    /// </summary>
    public string? RedirectTo { get; init; }

    /// <summary>Whether a redirection is permanent (status 0102h) rather than temporary (0101h).</summary>
    public bool RedirectPermanently { get; init; }

    /// <summary>
    /// Answer <c>Yes</c> to the in-band state-save key (specs/in-band-state-save.md §1), so that the storage system can
    /// send State Save Requests on the sessions of initiators that proposed it. Off: the key is answered <c>No</c>.
    /// </summary>
    public bool InBandStateSave { get; init; }
}
