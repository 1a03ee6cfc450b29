using System.Net;
using StateSave.Target.Sessions;

namespace StateSave.Target.InBand;

/// <summary>A session of the target as the storage system sees it: who is behind it and whether it speaks in-band state save.</summary>
public sealed record TargetSessionInfo(
    string TargetName,
    string InitiatorName,
    string Isid,
    ushort Tsih,
    ushort PortalGroupTag,
    EndPoint? RemoteEndPoint,
    bool InBandStateSave)
{
    internal TargetSession? Session { get; init; }

    /// <summary>The session's counters when this record was taken.</summary>
    public TargetSessionStatistics? Statistics { get; init; }
}
