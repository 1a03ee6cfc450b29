namespace StateSave.Host.Failover;

/// <summary>Whether the failover driver sends I/O down a path (its ALUA state decides the order among usable paths).</summary>
public enum PathState
{
    /// <summary>In service.</summary>
    Active,

    /// <summary>Out of service after a transport failure, a timeout or a path error; probed until it works again.</summary>
    Failed,

    /// <summary>The session was logged out or the LU left the path: never used again.</summary>
    Removed,
}

/// <summary>How the failover driver spreads I/O over the paths of the best ALUA group.</summary>
public enum PathSelectionPolicy
{
    /// <summary>Each I/O goes to the next path of the best group in turn.</summary>
    RoundRobin,

    /// <summary>Each I/O goes to the path of the best group with the fewest I/Os in flight.</summary>
    LeastQueueDepth,
}
