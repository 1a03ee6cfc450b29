using System.Net;
using StateSave.Iscsi.Tests.Interop;
using StateSave.Target.Tests.TargetServer;
using StateSave.TargetServer;
using StateSave.TargetServer.Configuration;

namespace StateSave.Target.Tests.Conformance;

/// <summary>
/// libiscsi's conformance suite against the target server built from tests/conformance/target.json, the same runs as
/// tests/conformance/libiscsi.sh (README.md there says what the suite needs and why): "main" (every test family but
/// SANITIZE, LUN 0, second portal as the multipath URL, CHAP and mutual CHAP), "sanitize" (the Sanitize suite, LUN 0,
/// one path), "readonly" (the ReadOnly suite, LUN 1) and "geometry" (tests that need two logical blocks per physical
/// block, LUN 2).
/// Fails on any failed test and any skip not explained in tests/conformance/skips.txt.
/// </summary>
[TestFixture]
[Category("Conformance")]
[NonParallelizable]
public class LibiscsiConformanceTests
{
    /// <summary>Set to 0 to run without CHAP (to tell a CHAP problem from the rest); the default logs in with mutual CHAP.</summary>
    public const string NoChapVariable = "STATESAVE_CONFORMANCE_CHAP";

    /// <summary>The tests libiscsi runs only with two or more logical blocks per physical block (as in libiscsi.sh).</summary>
    public const string GeometryTests = "ALL.WriteSame10.UnmapUnaligned,ALL.WriteSame10.InvalidDataOutSize,ALL.WriteSame16.UnmapUnaligned,"
        + "ALL.WriteSame16.InvalidDataOutSize,ALL.CompareAndWrite.InvalidDataOutSize";

    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(30);

    [Test]
    [CancelAfter(75 * 60 * 1000)]
    public async Task The_suite_passes_with_no_failure_and_no_unexplained_skip(CancellationToken cancellationToken)
    {
        string? tool = Peers.FindOnPath("iscsi-test-cu");
        if (tool is null)
        {
            Peers.Missing("iscsi-test-cu was not found; install the Debian package libiscsi-bin (scripts/install-peers.sh).");
        }

        string conformance = Path.Combine(ConfigurationValidatorTests.RepositoryRoot(), "tests", "conformance");
        ServerConfiguration configuration = ConfigurationLoader.Load(Path.Combine(conformance, "target.json"));
        configuration.Portals =
        [
            new PortalConfiguration { EndPoint = "127.0.0.1:0", PortalGroupTag = 1 },
            new PortalConfiguration { EndPoint = "127.0.0.1:0", PortalGroupTag = 2 },
        ];
        TargetConfiguration target = configuration.Targets[0];
        ChapConfiguration chap = target.Chap ?? throw new InvalidOperationException("target.json: the conformance target uses CHAP.");
        bool useChap = Environment.GetEnvironmentVariable(NoChapVariable) != "0";
        if (!useChap)
        {
            target.Chap = null;
        }

        IReadOnlyDictionary<(string Run, string Name), string> explained = SkipList.Parse(await File.ReadAllTextAsync(Path.Combine(conformance, "skips.txt"), cancellationToken));

        await using var host = new TargetServerHost(configuration);
        await host.StartAsync(cancellationToken);
        IPEndPoint path1 = host.Portals.Single(p => p.PortalGroupTag == 1).EndPoint;
        IPEndPoint path2 = host.Portals.Single(p => p.PortalGroupTag == 2).EndPoint;
        string credentials = useChap ? $"{chap.Username}%{chap.Secret}@" : string.Empty;
        string Url(IPEndPoint portal, int lun) => $"iscsi://{credentials}{portal}/{target.Name}/{lun}";
        var suite = new IscsiTestCu(tool!, useChap
            ? new Dictionary<string, string>
            {
                ["LIBISCSI_CHAP_TARGET_USERNAME"] = chap.MutualUsername!,
                ["LIBISCSI_CHAP_TARGET_PASSWORD"] = chap.MutualSecret!,
            }
            : new Dictionary<string, string>(), RunTimeout);

        var outcomes = new List<(string Run, CunitOutcome Outcome)>();
        outcomes.AddRange((await suite.RunAsync(null, allowSanitize: false, [Url(path1, 0), Url(path2, 0)], cancellationToken)).Select(o => ("main", o)));
        outcomes.AddRange((await suite.RunAsync("ALL.Sanitize", allowSanitize: true, [Url(path1, 0)], cancellationToken)).Select(o => ("sanitize", o)));
        outcomes.AddRange((await suite.RunAsync("ALL.ReadOnly", allowSanitize: false, [Url(path1, 1)], cancellationToken)).Select(o => ("readonly", o)));
        outcomes.AddRange((await suite.RunAsync(GeometryTests, allowSanitize: false, [Url(path1, 2)], cancellationToken)).Select(o => ("geometry", o)));

        string[] failures = [.. outcomes.Where(o => o.Outcome.Status == CunitStatus.Failed).Select(o => $"FAILED  {o.Run} {o.Outcome.Name}: {o.Outcome.Detail}")];
        string[] unexplained = [.. outcomes
            .Where(o => o.Outcome.Status == CunitStatus.Skipped && !SkipList.Explains(explained, o.Run, o.Outcome.Name))
            .Select(o => $"SKIPPED {o.Run} {o.Outcome.Name}: {o.Outcome.Detail} (not explained in tests/conformance/skips.txt)")];
        int passed = outcomes.Count(o => o.Outcome.Status == CunitStatus.Passed);
        int skipped = outcomes.Count(o => o.Outcome.Status == CunitStatus.Skipped);
        string summary = $"{passed} passed, {failures.Length} failed, {skipped} skipped";
        TestContext.Out.WriteLine(summary);

        Assert.Multiple(() =>
        {
            Assert.That(failures, Is.Empty, summary);
            Assert.That(unexplained, Is.Empty, summary);
            Assert.That(passed, Is.GreaterThan(0), summary);
        });
    }
}
