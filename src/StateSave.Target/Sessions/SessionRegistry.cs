using StateSave.Iscsi.Protocol;

namespace StateSave.Target.Sessions;

/// <summary>
/// The sessions of one server: TSIH allocation and lookup by session identifier (initiator name, ISID,
/// target; RFC 7143 §4.4.3) for session reinstatement and for task management across sessions.
/// </summary>
internal sealed class SessionRegistry(int maxSessions)
{
    private readonly Lock _sync = new();
    private readonly Dictionary<ushort, TargetSession> _byTsih = [];
    private ushort _nextTsih = 1;

    public TargetSession[] Snapshot()
    {
        lock (_sync)
        {
            return [.. _byTsih.Values];
        }
    }

    /// <summary>The session with this initiator name, ISID and target (name or discovery), if any.</summary>
    public TargetSession? Find(string initiatorName, Isid isid, string? targetName)
    {
        lock (_sync)
        {
            foreach (TargetSession session in _byTsih.Values)
            {
                if (session.Isid == isid && string.Equals(session.InitiatorName, initiatorName, StringComparison.Ordinal)
                    && string.Equals(session.Target?.Name, targetName, StringComparison.Ordinal))
                {
                    return session;
                }
            }

            return null;
        }
    }

    public TargetSession? Find(ushort tsih)
    {
        lock (_sync)
        {
            return _byTsih.GetValueOrDefault(tsih);
        }
    }

    /// <summary>Allocates a TSIH (never 0) and registers the session the factory builds; null when the server is full.</summary>
    public TargetSession? Add(Func<ushort, TargetSession> create)
    {
        lock (_sync)
        {
            if (_byTsih.Count >= maxSessions)
            {
                return null;
            }

            while (_nextTsih == 0 || _byTsih.ContainsKey(_nextTsih))
            {
                _nextTsih++;
            }

            TargetSession session = create(_nextTsih++);
            _byTsih.Add(session.Tsih, session);
            return session;
        }
    }

    public void Remove(TargetSession session)
    {
        lock (_sync)
        {
            if (_byTsih.TryGetValue(session.Tsih, out TargetSession? current) && ReferenceEquals(current, session))
            {
                _byTsih.Remove(session.Tsih);
            }
        }
    }
}
