using System.Runtime.InteropServices;
using StateSave.Comparison.Peers;

namespace StateSave.Comparison.Running;

/// <summary>
/// Ctrl+C, SIGTERM and SIGHUP: the peer processes are killed at once (so a wait on one returns) and
/// <see cref="Token"/> is cancelled, so the run unwinds through its cleanup. A second signal is left to the runtime.
/// </summary>
internal sealed class Shutdown : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly List<PosixSignalRegistration> _registrations = [];

    public Shutdown()
    {
        // The wait handle is created now, not inside a measurement window (it is allocated on first use).
        _ = _cancel.Token.WaitHandle;
        foreach (PosixSignal signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        }
    }

    public CancellationToken Token => _cancel.Token;

    /// <summary>Waits <paramref name="time"/> on the calling thread; false when a signal came first.</summary>
    public bool Wait(TimeSpan time) => !_cancel.Token.WaitHandle.WaitOne(time);

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }

        _cancel.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (_cancel.IsCancellationRequested)
        {
            return; // a second signal: the default action ends the process
        }

        context.Cancel = true;
        Console.Error.WriteLine($"comparison: {context.Signal} received, stopping and cleaning up ...");
        try
        {
            _cancel.Cancel(); // first, so that a wait ended by the kill below sees why
        }
        finally
        {
            PeerProcess.KillAll();
        }
    }
}
