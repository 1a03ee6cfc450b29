namespace StateSave.Host.Tests.TestSupport;

/// <summary>Polling for a condition the system reaches asynchronously; fails the test with <c>what</c> after a generous bound (never a timing assertion).</summary>
internal static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, string what, int seconds = 30)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Gave up waiting for: {what}.");
            }

            await Task.Delay(20);
        }
    }
}
