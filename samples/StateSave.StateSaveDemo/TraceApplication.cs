using StateSave.Host.Applications;

namespace StateSave.StateSaveDemo;

/// <summary>
/// A host application that only keeps a trace: its log is filled to about the size asked, so a host has that much
/// state for the storage to collect.
/// </summary>
internal sealed class TraceApplication(string name, int stateBytes) : IHostApplication
{
    private const int LineBytes = 1000;

    public string Name { get; } = name;

    public ApplicationLog Log { get; } = new(name, Math.Max(1, stateBytes / LineBytes));

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string filler = new('t', LineBytes - 40);
        for (int i = 0; i < Log.Capacity; i++)
        {
            Log.Information($"trace {i:D8} {filler}");
        }

        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
