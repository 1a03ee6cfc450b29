namespace StateSave.Target.Tests.Conformance;

/// <summary>
/// tests/conformance/skips.txt: "&lt;run&gt; &lt;Suite.Test&gt; &lt;reason&gt;" per line ("Suite.*" for a whole suite); '#'
/// starts a comment.
/// </summary>
public static class SkipList
{
    /// <summary>The explained skips: (run, "Suite.Test") to reason.</summary>
    public static IReadOnlyDictionary<(string Run, string Name), string> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new Dictionary<(string, string), string>();
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            string[] fields = line.Split([' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 3)
            {
                throw new FormatException($"skips.txt: '{line}' is not '<run> <Suite.Test> <reason>': every skip needs a reason");
            }

            entries[(fields[0], fields[1])] = fields[2].Trim();
        }

        return entries;
    }

    /// <summary>Whether <paramref name="skips"/> explains a skip of <paramref name="name"/> ("Suite.Test") in <paramref name="run"/>.</summary>
    public static bool Explains(IReadOnlyDictionary<(string Run, string Name), string> skips, string run, string name)
    {
        ArgumentNullException.ThrowIfNull(skips);
        ArgumentNullException.ThrowIfNull(name);
        int dot = name.LastIndexOf('.');
        return skips.ContainsKey((run, name)) || (dot > 0 && skips.ContainsKey((run, name[..(dot + 1)] + "*")));
    }
}
