using StateSave.Iscsi.InBand;
using StateSave.Iscsi.Negotiation;
using StateSave.Iscsi.Protocol;
using StateSave.Scsi.Server;
using StateSave.Target.Connections;
using StateSave.Target.Tasks;

namespace StateSave.Target.Sessions;

/// <summary>
/// An iSCSI session at the target (RFC 7143 §4.4): identified by the initiator name, ISID and TSIH, with the
/// command window (ExpCmdSN, MaxCmdSN) and its tasks. One connection per session (MaxConnections=1).
/// </summary>
internal sealed class TargetSession
{
    private readonly Lock _sync = new();
    private readonly int _commandWindow;
    private uint _expCmdSN;
    private uint _maxCmdSN;
    private int _outstanding;
    private ulong _window;
    private int _ended;

    public TargetSession(ushort tsih, Isid isid, string initiatorName, TargetNode? target, NegotiatedParameters parameters,
        ITNexus? nexus, uint initialCmdSN, int commandWindow)
    {
        Tsih = tsih;
        Isid = isid;
        InitiatorName = initiatorName;
        Target = target;
        Parameters = parameters;
        Nexus = nexus;
        _commandWindow = commandWindow;
        _expCmdSN = initialCmdSN;
        _maxCmdSN = initialCmdSN + (uint)commandWindow - 1;
        PublishWindow();
    }

    public ushort Tsih { get; }

    public Isid Isid { get; }

    public string InitiatorName { get; }

    /// <summary>The target of a normal session; null for a discovery session.</summary>
    public TargetNode? Target { get; }

    public bool IsDiscovery => Target is null;

    /// <summary>What the session's commands did (for the storage system's state save).</summary>
    public SessionCounters Counters { get; } = new();

    /// <summary>Both sides said Yes to the in-band state-save key (specs/in-band-state-save.md §1).</summary>
    public bool InBandStateSave => Target is not null && InBandStateSaveKey.IsEnabled(Parameters);

    public NegotiatedParameters Parameters { get; }

    /// <summary>The I_T nexus of a normal session.</summary>
    public ITNexus? Nexus { get; }

    public TargetConnection? Connection { get; set; }

    /// <summary>Tasks in progress, by Initiator Task Tag.</summary>
    public TaskTable Tasks { get; } = new();

    /// <summary>
    /// ExpCmdSN and MaxCmdSN as one consistent pair, read without the lock: every PDU the target sends carries them,
    /// so a lock here would be taken per PDU. Updates happen under the lock and publish both halves at once.
    /// </summary>
    public (uint ExpCmdSN, uint MaxCmdSN) Window
    {
        get
        {
            ulong window = Volatile.Read(ref _window);
            return ((uint)(window >> 32), (uint)window);
        }
    }

    /// <summary>
    /// Applies RFC 7143 §4.2.2.1 to a received CmdSN: a non-immediate command must carry ExpCmdSN (one
    /// connection, so in order) and advances it; an immediate one must lie in the window and does not.
    /// </summary>
    /// <returns>false when the PDU is outside the window (or a duplicate) and must be silently ignored.</returns>
    public bool TryAcceptCmdSN(uint cmdSN, bool immediate, bool isTask)
    {
        lock (_sync)
        {
            if (immediate)
            {
                if (!SerialNumber.InWindow(cmdSN, _expCmdSN, _maxCmdSN) && cmdSN != _expCmdSN)
                {
                    return false;
                }
            }
            else
            {
                if (cmdSN != _expCmdSN || !SerialNumber.InWindow(cmdSN, _expCmdSN, _maxCmdSN))
                {
                    return false;
                }

                _expCmdSN++;
            }

            if (isTask)
            {
                _outstanding++;
            }

            UpdateMaxCmdSN();
            return true;
        }
    }

    /// <summary>Marks the session ended; true only for the first caller.</summary>
    public bool TryEnd() => Interlocked.Exchange(ref _ended, 1) == 0;

    /// <summary>A task took a window slot; called when it completes (or is aborted).</summary>
    public void TaskEnded()
    {
        lock (_sync)
        {
            _outstanding--;
            UpdateMaxCmdSN();
        }
    }

    /// <summary>Whether CmdSN <paramref name="cmdSN"/> has not been received yet but lies in the window (RFC 7143 §11.5.1, ABORT TASK).</summary>
    public bool IsPending(uint cmdSN)
    {
        lock (_sync)
        {
            return SerialNumber.InWindow(cmdSN, _expCmdSN, _maxCmdSN);
        }
    }

    // MaxCmdSN grows as tasks end and never shrinks: an initiator ignores a smaller value anyway (RFC 7143 §4.2.2.1).
    private void UpdateMaxCmdSN()
    {
        uint candidate = _expCmdSN + (uint)Math.Max(0, _commandWindow - _outstanding) - 1;
        if (SerialNumber.GreaterThan(candidate, _maxCmdSN))
        {
            _maxCmdSN = candidate;
        }

        PublishWindow();
    }

    private void PublishWindow() => Volatile.Write(ref _window, ((ulong)_expCmdSN << 32) | _maxCmdSN);
}
