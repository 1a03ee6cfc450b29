using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using StateSave.TargetServer;
using StateSave.TargetServer.Configuration;
using StateSave.TargetServer.Logging;

// The standalone iSCSI target server: serves a configuration until Ctrl+C or SIGTERM. A bad configuration or
// command line is reported as plain lines on stderr (exit code 2); a failure to start as one log line (exit code 1).
CommandLine commandLine;
ServerConfiguration configuration;
try
{
    commandLine = CommandLine.Parse(args);
    if (commandLine.Help)
    {
        Console.Out.WriteLine(CommandLine.Usage);
        return 0;
    }

    configuration = commandLine.ToConfiguration();
}
catch (ConfigurationException exception)
{
    foreach (string problem in exception.Problems)
    {
        Console.Error.WriteLine("error: " + problem);
    }

    return 2;
}

if (commandLine.CheckOnly)
{
    Console.Out.WriteLine("configuration is valid");
    return 0;
}

using ILoggerFactory loggerFactory = LoggerFactory.Create(builder => builder
    .SetMinimumLevel(commandLine.LogLevel)
    .AddSimpleConsole(options =>
    {
        options.SingleLine = true;
        options.TimestampFormat = "HH:mm:ss.fff ";
    }));
ILogger logger = loggerFactory.CreateLogger("StateSave.TargetServer");

using var stop = new CancellationTokenSource();
void RequestStop(PosixSignalContext context)
{
    context.Cancel = true;
    ServerLog.StopRequested(logger, context.Signal);
    stop.Cancel();
}

using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestStop);
using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestStop);

await using var host = new TargetServerHost(configuration, loggerFactory);
try
{
    await host.StartAsync(stop.Token).ConfigureAwait(false);
    if (commandLine.ReadyFile is { } readyFile)
    {
        host.WriteReadyFile(readyFile);
    }
}
catch (Exception exception) when (exception is SocketException or IOException or UnauthorizedAccessException or ConfigurationException or ArgumentException)
{
    ServerLog.StartFailed(logger, exception.Message);
    return 1;
}
catch (OperationCanceledException)
{
    return 0;
}

try
{
    await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
}
catch (OperationCanceledException)
{
    // Ctrl+C or SIGTERM: disposing the host closes the sessions and the backing stores.
}

return 0;
