namespace StateSave.Host.Applications;

/// <summary>
/// A program running on an emulated host: it does I/O through the host's multipath devices until cancelled and keeps
/// an application log the state save collects.
/// </summary>
public interface IHostApplication
{
    string Name { get; }

    /// <summary>The application's own bounded log.</summary>
    ApplicationLog Log { get; }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled (or the work is done); never throws for a cancellation.</summary>
    Task RunAsync(CancellationToken cancellationToken);
}
