using Microsoft.Extensions.Logging;

namespace StateSave.Storage.PortGroups;

/// <summary>Target port group log messages. Event IDs 485–489 belong to port groups; never renumber one.</summary>
internal static partial class PortGroupsLog
{
    [LoggerMessage(EventId = 485, EventName = "AccessStateChanged", Level = LogLevel.Information,
        Message = "Target port group {Group} is now {State} ({Cause})")]
    public static partial void AccessStateChanged(ILogger logger, ushort group, AsymmetricAccessState state, string cause);
}
