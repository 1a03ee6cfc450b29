namespace StateSave.Target.Tests.Conformance;

/// <summary>
/// The stdout of a verbose iscsi-test-cu run (-v): "Suite: X", then per test "  Test: Y ..." followed by the test's own
/// log and its result ("passed", or "FAILED" at the start of a line). A test skips by logging "[SKIPPED] why" and passing,
/// which the XML cannot tell from a pass: this log can. What follows a result comes from the suite's set-up or
/// clean-up (e.g. clearing reservations) and belongs to no test.
/// </summary>
public static class CunitVerboseLog
{
    /// <summary>The skipped tests, keyed by (suite index, "Suite.Test"), with the first skip message.</summary>
    public static IReadOnlyDictionary<(int SuiteIndex, string Name), string> Skips(string log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var skips = new Dictionary<(int, string), string>();
        int suiteIndex = 0;
        string suite = string.Empty;
        string? test = null;
        foreach (string line in log.Split('\n'))
        {
            if (line.StartsWith("Suite: ", StringComparison.Ordinal))
            {
                suiteIndex++;
                suite = line["Suite: ".Length..].Trim();
                test = null;
                continue;
            }

            string text = line;
            if (line.StartsWith("  Test: ", StringComparison.Ordinal))
            {
                string rest = line["  Test: ".Length..];
                int dots = rest.IndexOf(" ...", StringComparison.Ordinal);
                test = dots < 0 ? rest.Trim() : rest[..dots];
                text = dots < 0 ? string.Empty : rest[(dots + " ...".Length)..];
            }

            if (test is null)
            {
                continue;
            }

            if (text.StartsWith("passed", StringComparison.Ordinal) || text.StartsWith("FAILED", StringComparison.Ordinal))
            {
                test = null;
                continue;
            }

            int marker = text.IndexOf("[SKIPPED]", StringComparison.Ordinal);
            if (marker >= 0)
            {
                skips.TryAdd((suiteIndex, $"{suite}.{test}"), text[(marker + "[SKIPPED]".Length)..].Trim());
            }
        }

        return skips;
    }
}
