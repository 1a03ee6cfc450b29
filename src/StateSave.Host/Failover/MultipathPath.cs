using StateSave.Host.Hba;
using StateSave.Initiator.Scsi;
using StateSave.Scsi;

namespace StateSave.Host.Failover;

/// <summary>
/// One path to a logical unit: an HBA session (initiator port → target port) and the LUN the LU has behind it, with
/// the target port's relative identifier and group (VPD 83h), its ALUA access state (REPORT TARGET PORT GROUPS) and the
/// failover driver's view of whether it works.
/// </summary>
#pragma warning disable CA1001 // Cancelled sources are never disposed on purpose: commands may still hold their tokens (no timer, nothing unmanaged).
public sealed class MultipathPath
#pragma warning restore CA1001
{
    private readonly Lock _gate = new();
    private CancellationTokenSource _failure = new();
    private PathState _state = PathState.Active;
    private AsymmetricAccessState _accessState = AsymmetricAccessState.ActiveOptimized;
    private bool _preferred;
    private string _lastReason = "discovered";
    private DateTimeOffset _lastChange;
    private int _inFlight;
    private long _ios;
    private long _errors;
    private long _failures;

    internal MultipathPath(HbaSession session, LogicalUnitNumber lun, ushort? relativeTargetPort, ushort? targetPortGroup, DateTimeOffset now)
    {
        HbaSession = session;
        Lun = lun;
        RelativeTargetPort = relativeTargetPort;
        TargetPortGroup = targetPortGroup;
        _lastChange = now;
        Name = $"{session.Id}:{lun}";
    }

    /// <summary>"port0/s1:0": the HBA session and the LUN.</summary>
    public string Name { get; }

    public HbaSession HbaSession { get; }

    public LogicalUnitNumber Lun { get; }

    public ushort? RelativeTargetPort { get; }

    public ushort? TargetPortGroup { get; internal set; }

    public PathState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public AsymmetricAccessState AccessState
    {
        get
        {
            lock (_gate)
            {
                return _accessState;
            }
        }
    }

    public bool Preferred
    {
        get
        {
            lock (_gate)
            {
                return _preferred;
            }
        }
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Cancelled when the path fails: the commands still queued on it end at once and move to another path.</summary>
    internal CancellationToken FailureToken
    {
        get
        {
            lock (_gate)
            {
                return _failure.Token;
            }
        }
    }

    /// <summary>0 active/optimized, 1 active/non-optimized, 2 logical-block dependent; unusable states rank last.</summary>
    internal int AccessRank
    {
        get
        {
            lock (_gate)
            {
                return Rank(_accessState);
            }
        }
    }

    internal const int UnusableRank = 3;

    internal static int Rank(AsymmetricAccessState state) => state switch
    {
        AsymmetricAccessState.ActiveOptimized => 0,
        AsymmetricAccessState.ActiveNonOptimized => 1,
        AsymmetricAccessState.LogicalBlockDependent => 2,
        _ => UnusableRank,
    };

    internal bool IsUsable
    {
        get
        {
            lock (_gate)
            {
                return _state == PathState.Active && Rank(_accessState) < UnusableRank;
            }
        }
    }

    /// <summary>
    /// Takes the path for one attempt if it is still usable, with the failure token of this period of service (read
    /// under the same lock as the state, so a failure after this point cancels exactly this token).
    /// </summary>
    internal bool TryBeginIo(out CancellationToken failureToken)
    {
        lock (_gate)
        {
            failureToken = _failure.Token;
            if (_state != PathState.Active || Rank(_accessState) >= UnusableRank)
            {
                return false;
            }
        }

        Interlocked.Increment(ref _inFlight);
        Interlocked.Increment(ref _ios);
        return true;
    }

    internal void EndIo(bool error)
    {
        Interlocked.Decrement(ref _inFlight);
        if (error)
        {
            Interlocked.Increment(ref _errors);
        }
    }

    /// <summary>Changes the path state; returns the old one, or null when nothing changed. Failing cancels <see cref="FailureToken"/>.</summary>
    internal PathState? SetState(PathState state, string reason, DateTimeOffset now, out AsymmetricAccessState accessState)
    {
        CancellationTokenSource? cancel = null;
        PathState old;
        lock (_gate)
        {
            old = _state;
            accessState = _accessState;
            if (old == state || old == PathState.Removed)
            {
                return null;
            }

            _state = state;
            _lastReason = reason;
            _lastChange = now;
            if (state != PathState.Active)
            {
                _failures++;
                cancel = _failure;
                _failure = new CancellationTokenSource();
            }
        }

        // The old source is cancelled, never disposed: commands may still hold its token.
        cancel?.Cancel();
        return old;
    }

    /// <summary>Sets the ALUA state; returns the old one, or null when nothing changed.</summary>
    internal AsymmetricAccessState? SetAccessState(AsymmetricAccessState state, bool preferred, string reason, DateTimeOffset now)
    {
        lock (_gate)
        {
            _preferred = preferred;
            if (_accessState == state)
            {
                return null;
            }

            AsymmetricAccessState old = _accessState;
            _accessState = state;
            _lastReason = reason;
            _lastChange = now;
            return old;
        }
    }

    public PathSnapshot ToSnapshot()
    {
        lock (_gate)
        {
            return new PathSnapshot(Name, HbaSession.Id, HbaSession.Port.Name, HbaSession.Portal.ToString() ?? string.Empty, HbaSession.TargetName, Lun.Value,
                RelativeTargetPort, TargetPortGroup, _state, _accessState, _preferred, Volatile.Read(ref _inFlight), Interlocked.Read(ref _ios),
                Interlocked.Read(ref _errors), _failures, _lastChange, _lastReason);
        }
    }

    public override string ToString() => Name;
}
