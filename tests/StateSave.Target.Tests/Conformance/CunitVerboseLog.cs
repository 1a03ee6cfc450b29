namespace StateSave.Target.Tests.Conformance;

/// <summary>
/// The stdout of a verbose iscsi-test-cu run (-v): "Suite: X", then per test "  Test: Y ..." followed by the test's own
/// log. A test skips by logging "[SKIPPED] why" and passing, which the XML cannot tell from a pass: this log can.
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

            if (line.StartsWith("  Test: ", StringComparison.Ordinal))
            {
                string rest = line["  Test: ".Length..];
                int dots = rest.IndexOf(" ...", StringComparison.Ordinal);
                test = dots < 0 ? rest.Trim() : rest[..dots];
            }

            int marker = line.IndexOf("[SKIPPED]", StringComparison.Ordinal);
            if (marker >= 0 && test is not null)
            {
                skips.TryAdd((suiteIndex, $"{suite}.{test}"), line[(marker + "[SKIPPED]".Length)..].Trim());
            }
        }

        return skips;
    }
}
