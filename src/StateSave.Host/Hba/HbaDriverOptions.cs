using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StateSave.Iscsi.Transport;

namespace StateSave.Host.Hba;

/// <summary>The HBA driver: its initiator ports and how much history it keeps.</summary>
public sealed record HbaDriverOptions
{
    public IReadOnlyList<InitiatorPortOptions> Ports { get; init; } = [];

    /// <summary>Capacity of the recent-event ring.</summary>
    public int EventCapacity { get; init; } = 512;

    /// <summary>The transport; TCP sockets when null (tests may pass an in-memory network).</summary>
    public IIscsiTransportConnector? Transport { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
