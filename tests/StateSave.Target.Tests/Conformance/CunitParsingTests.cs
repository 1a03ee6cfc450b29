namespace StateSave.Target.Tests.Conformance;

public class CunitParsingTests
{
    // The shape iscsi-test-cu 1.19 / CUnit 2.1-3 writes (one element per line, trailing spaces kept).
    private const string Results = """
        <?xml version="1.0" ?> 
        <?xml-stylesheet type="text/xsl" href="CUnit-Run.xsl" ?> 
        <!DOCTYPE CUNIT_TEST_RUN_REPORT SYSTEM "CUnit-Run.dtd"> 
        <CUNIT_TEST_RUN_REPORT> 
          <CUNIT_HEADER/> 
          <CUNIT_RESULT_LISTING> 
            <CUNIT_RUN_SUITE> 
              <CUNIT_RUN_SUITE_SUCCESS> 
                <SUITE_NAME> Read16 </SUITE_NAME> 
                <CUNIT_RUN_TEST_RECORD> 
                  <CUNIT_RUN_TEST_SUCCESS> 
                    <TEST_NAME> Simple </TEST_NAME> 
                  </CUNIT_RUN_TEST_SUCCESS> 
                </CUNIT_RUN_TEST_RECORD> 
                <CUNIT_RUN_TEST_RECORD> 
                  <CUNIT_RUN_TEST_FAILURE> 
                    <TEST_NAME> BeyondEol </TEST_NAME> 
                    <FILE_NAME> test_read16_beyond_eol.c </FILE_NAME> 
                    <LINE_NUMBER> 51 </LINE_NUMBER> 
                    <CONDITION> CU_ASSERT_EQUAL(atask-&gt;sense.key,SCSI_SENSE_MISCOMPARE) </CONDITION> 
                  </CUNIT_RUN_TEST_FAILURE> 
                </CUNIT_RUN_TEST_RECORD> 
                <CUNIT_RUN_TEST_RECORD> 
                  <CUNIT_RUN_TEST_FAILURE> 
                    <TEST_NAME> BeyondEol </TEST_NAME> 
                    <FILE_NAME> test_read16_beyond_eol.c </FILE_NAME> 
                    <LINE_NUMBER> 52 </LINE_NUMBER> 
                    <CONDITION> CU_ASSERT_EQUAL(_r,0) </CONDITION> 
                  </CUNIT_RUN_TEST_FAILURE> 
                </CUNIT_RUN_TEST_RECORD> 
              </CUNIT_RUN_SUITE_SUCCESS> 
            </CUNIT_RUN_SUITE> 
            <CUNIT_RUN_SUITE> 
              <CUNIT_RUN_SUITE_FAILURE> 
                <SUITE_NAME> Reserve6 </SUITE_NAME> 
                <FAILURE_REASON> Suite Initialization Failed </FAILURE_REASON> 
              </CUNIT_RUN_SUITE_FAILURE> 
            </CUNIT_RUN_SUITE> 
            <CUNIT_RUN_SUITE> 
              <CUNIT_RUN_SUITE_SUCCESS> 
                <SUITE_NAME> Read16 </SUITE_NAME> 
                <CUNIT_RUN_TEST_RECORD> 
                  <CUNIT_RUN_TEST_SUCCESS> 
                    <TEST_NAME> Simple </TEST_NAME> 
                  </CUNIT_RUN_TEST_SUCCESS> 
                </CUNIT_RUN_TEST_RECORD> 
              </CUNIT_RUN_SUITE_SUCCESS> 
            </CUNIT_RUN_SUITE> 
          </CUNIT_RESULT_LISTING>
          <CUNIT_RUN_SUMMARY> 
            <CUNIT_RUN_SUMMARY_RECORD> 
              <TYPE> Test Cases </TYPE> 
              <TOTAL> 3 </TOTAL> 
            </CUNIT_RUN_SUMMARY_RECORD> 
          </CUNIT_RUN_SUMMARY> 
        </CUNIT_TEST_RUN_REPORT>
        """;

    [Test]
    public void Results_give_each_test_once_with_its_first_failed_assertion()
    {
        Assert.That(CunitResults.Parse(Results), Is.EqualTo(new[]
        {
            new CunitOutcome(1, "Read16.Simple", CunitStatus.Passed, ""),
            new CunitOutcome(1, "Read16.BeyondEol", CunitStatus.Failed, "test_read16_beyond_eol.c:51 CU_ASSERT_EQUAL(atask->sense.key,SCSI_SENSE_MISCOMPARE) (2 failed assertions)"),
            new CunitOutcome(2, "Reserve6.(suite init)", CunitStatus.Failed, "Suite Initialization Failed"),
            new CunitOutcome(3, "Read16.Simple", CunitStatus.Passed, ""),
        }));
    }

    [Test]
    public void Results_without_a_summary_are_an_incomplete_run()
    {
        string cut = Results[..Results.IndexOf("<CUNIT_RUN_SUITE_FAILURE>", StringComparison.Ordinal)];
        IReadOnlyList<CunitOutcome> outcomes = CunitResults.Parse(cut);
        Assert.That(outcomes.Select(o => (o.Name, o.Status)), Is.EqualTo(new[]
        {
            ("Read16.Simple", CunitStatus.Passed),
            ("Read16.BeyondEol", CunitStatus.Failed),
            ("(run).(incomplete)", CunitStatus.Failed),
        }));
    }

    [Test]
    public void The_verbose_log_names_the_skipped_tests_not_the_suite_clean_up()
    {
        const string log = """
            found matching LU device identifier for all (2) paths

            Suite: CompareAndWrite
              Test: Simple ...    [SKIPPED] COMPAREANDWRITE is not implemented.
                [SKIPPED] COMPAREANDWRITE is not implemented.
            passed
              Test: DpoFua ...passed
            Suite: PreventAllow
              Test: Simple ...    Some log line
                [SKIPPED] Logical unit is not removable. Skipping test.
            passed
            Suite: CompareAndWrite
              Test: Simple ...passed
              Test: InvalidDataOutSize ...    [SKIPPED] LBPPB < 2. Skipping test
            passed    [SKIPPED] PERSISTENT RESERVE IN is not implemented.
                [SKIPPED] PERSISTENT RESERVE IN is not implemented.

            Suite: GetLBAStatus
              Test: Simple ...passed
            """;
        Assert.That(CunitVerboseLog.Skips(log.ReplaceLineEndings("\n")), Is.EqualTo(new Dictionary<(int, string), string>
        {
            [(1, "CompareAndWrite.Simple")] = "COMPAREANDWRITE is not implemented.",
            [(2, "PreventAllow.Simple")] = "Logical unit is not removable. Skipping test.",
            [(3, "CompareAndWrite.InvalidDataOutSize")] = "LBPPB < 2. Skipping test",
        }));
    }

    [Test]
    public void The_skip_list_needs_a_reason_per_entry()
    {
        IReadOnlyDictionary<(string, string), string> skips = SkipList.Parse("# comment\n\nmain  ReadOnly.ReadOnlySBC  needs a write-protected LU\n");
        Assert.That(skips, Is.EqualTo(new Dictionary<(string, string), string> { [("main", "ReadOnly.ReadOnlySBC")] = "needs a write-protected LU" }));
        Assert.That(() => SkipList.Parse("main ReadOnly.ReadOnlySBC\n"), Throws.TypeOf<FormatException>());
        IReadOnlyDictionary<(string, string), string> suites = SkipList.Parse("main Sanitize.* run on its own\n");
        Assert.That(SkipList.Explains(suites, "main", "Sanitize.Reset"), Is.True);
        Assert.That(SkipList.Explains(suites, "sanitize", "Sanitize.Reset"), Is.False);
        Assert.That(SkipList.Explains(suites, "main", "SanitizeX.Reset"), Is.False);
    }

    [Test]
    public void The_repository_skip_list_parses()
    {
        string path = Path.Combine(TargetServer.ConfigurationValidatorTests.RepositoryRoot(), "tests", "conformance", "skips.txt");
        Assert.That(SkipList.Parse(File.ReadAllText(path)), Is.Not.Empty);
    }
}
