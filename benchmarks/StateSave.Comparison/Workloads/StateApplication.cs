using StateSave.Host.Applications;

namespace StateSave.Comparison.Workloads;

/// <summary>
/// A host application holding a given amount of state: its log is filled once, at creation, with lines that export
/// to 1 KiB each ("&lt;time&gt; Information &lt;message&gt;\n"), so the host has that much to hand over in a state save.
/// Every line shares one message string, so a host with 8 MiB of state holds little managed memory until it is frozen.
/// </summary>
internal sealed class StateApplication : IHostApplication
{
    // An exported line is the round-trip time (33 characters), " Information " (13), the message and "\n".
    private const int LineBytes = 1024;
    private const int MessageLength = LineBytes - 33 - 13 - 1;

    private static readonly string Message = new('s', MessageLength);

    public StateApplication(string name, long stateBytes)
    {
        Name = name;
        int lines = (int)Math.Max(1, stateBytes / LineBytes);
        Log = new ApplicationLog(name, lines);
        for (int i = 0; i < lines; i++)
        {
            Log.Information(Message);
        }
    }

    public string Name { get; }

    public ApplicationLog Log { get; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
