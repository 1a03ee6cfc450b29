namespace StateSave.Target.Tests.Conformance;

/// <summary>How one test of an iscsi-test-cu run ended.</summary>
public enum CunitStatus
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>
/// One test run: <paramref name="SuiteIndex"/> counts suites in run order (the same suite name is registered once per
/// test family), <paramref name="Name"/> is "Suite.Test", <paramref name="Detail"/> the first failed assertion or the skip reason.
/// </summary>
public sealed record CunitOutcome(int SuiteIndex, string Name, CunitStatus Status, string Detail);
