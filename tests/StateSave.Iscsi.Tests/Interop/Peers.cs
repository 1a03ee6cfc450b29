namespace StateSave.Iscsi.Tests.Interop;

/// <summary>Finding the real peers (Debian packages) the interop tests run, and skipping or failing when one is missing.</summary>
public static class Peers
{
    /// <summary>Set to 1 on CI so that a missing peer fails the run instead of skipping it.</summary>
    public const string RequirePeersVariable = "STATESAVE_REQUIRE_PEERS";

    /// <summary>The first <paramref name="command"/> on PATH (or in <paramref name="extraDirectories"/>), or null.</summary>
    public static string? FindOnPath(string command, params string[] extraDirectories) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(extraDirectories)
            .Select(directory => Path.Combine(directory, command))
            .FirstOrDefault(File.Exists);

    /// <summary>Skips the test with <paramref name="message"/>, or fails it when <see cref="RequirePeersVariable"/> is 1.</summary>
    public static void Missing(string message)
    {
        if (Environment.GetEnvironmentVariable(RequirePeersVariable) == "1")
        {
            Assert.Fail(message + " " + RequirePeersVariable + "=1 makes a missing peer an error.");
        }

        Assert.Ignore(message);
    }
}
