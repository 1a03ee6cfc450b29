using Microsoft.Extensions.Logging;

namespace StateSave.Target.Tests.TestSupport;

/// <summary>Loggers that write to NUnit's progress output, so a failing interop test shows what the target saw.</summary>
internal sealed class TestLoggerFactory : ILoggerFactory, ILoggerProvider
{
    public static TestLoggerFactory Instance { get; } = new();

    public ILogger CreateLogger(string categoryName) => new ProgressLogger();

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class ProgressLogger : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            TestContext.Progress.WriteLine($"[{logLevel} {eventId.Id}] {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
    }
}
