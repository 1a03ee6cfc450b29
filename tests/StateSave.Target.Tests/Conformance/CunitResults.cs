using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace StateSave.Target.Tests.Conformance;

/// <summary>
/// CUnit 2.1's CUnitAutomated-Results.xml (iscsi-test-cu -x): a CUNIT_RUN_SUITE per suite, a CUNIT_RUN_TEST_RECORD
/// per passed test and per failed assertion, a CUNIT_RUN_SUITE_FAILURE for a suite whose set-up failed, and a
/// CUNIT_RUN_SUMMARY once the run finished. A skipped test is recorded as passed (see <see cref="CunitVerboseLog"/>).
/// </summary>
public static class CunitResults
{
    /// <summary>The outcomes in run order; a suite set-up failure is "Suite.(suite init)", a run without summary adds "(run).(incomplete)".</summary>
    public static IReadOnlyList<CunitOutcome> Parse(string xml)
    {
        ArgumentNullException.ThrowIfNull(xml);
        var outcomes = new List<CunitOutcome>();
        XDocument document;
        try
        {
            document = XDocument.Parse(xml);
        }
        catch (XmlException exception)
        {
            // A run killed mid-way leaves an unterminated file: the records written so far are still worth reporting.
            return [.. ParseTruncated(xml), new CunitOutcome(0, "(run).(incomplete)", CunitStatus.Failed, "the results are cut short: " + exception.Message)];
        }

        int suiteIndex = 0;
        foreach (XElement suite in document.Descendants("CUNIT_RUN_SUITE"))
        {
            suiteIndex++;
            XElement? body = suite.Elements().FirstOrDefault();
            string suiteName = Text(body?.Element("SUITE_NAME"));
            if (body?.Name.LocalName == "CUNIT_RUN_SUITE_FAILURE")
            {
                outcomes.Add(new CunitOutcome(suiteIndex, suiteName + ".(suite init)", CunitStatus.Failed, Text(body.Element("FAILURE_REASON"))));
                continue;
            }

            AddTests(outcomes, suiteIndex, suiteName, body?.Elements("CUNIT_RUN_TEST_RECORD").SelectMany(r => r.Elements()) ?? []);
        }

        if (document.Descendants("CUNIT_RUN_SUMMARY").FirstOrDefault() is null)
        {
            outcomes.Add(new CunitOutcome(0, "(run).(incomplete)", CunitStatus.Failed, "the results end before the run summary: the suite did not finish"));
        }

        return outcomes;
    }

    private static void AddTests(List<CunitOutcome> outcomes, int suiteIndex, string suiteName, IEnumerable<XElement> records)
    {
        // Consecutive records of one test are its failed assertions.
        string? current = null;
        int failures = 0;
        string first = string.Empty;
        void Flush()
        {
            if (current is not null)
            {
                outcomes.Add(failures == 0
                    ? new CunitOutcome(suiteIndex, $"{suiteName}.{current}", CunitStatus.Passed, string.Empty)
                    : new CunitOutcome(suiteIndex, $"{suiteName}.{current}", CunitStatus.Failed,
                        string.Create(CultureInfo.InvariantCulture, $"{first} ({failures} failed assertion{(failures == 1 ? "" : "s")})")));
            }
        }

        foreach (XElement record in records)
        {
            string test = Text(record.Element("TEST_NAME"));
            if (test != current)
            {
                Flush();
                current = test;
                failures = 0;
                first = string.Empty;
            }

            if (record.Name.LocalName == "CUNIT_RUN_TEST_FAILURE")
            {
                if (failures++ == 0)
                {
                    first = $"{Text(record.Element("FILE_NAME"))}:{Text(record.Element("LINE_NUMBER"))} {Text(record.Element("CONDITION"))}";
                }
            }
        }

        Flush();
    }

    private static IEnumerable<CunitOutcome> ParseTruncated(string xml)
    {
        // Close what is open well enough for the complete suites to parse.
        int end = xml.LastIndexOf("</CUNIT_RUN_SUITE>", StringComparison.Ordinal);
        if (end < 0)
        {
            return [];
        }

        string closed = xml[..(end + "</CUNIT_RUN_SUITE>".Length)] + "</CUNIT_RESULT_LISTING><CUNIT_RUN_SUMMARY/></CUNIT_TEST_RUN_REPORT>";
        try
        {
            return Parse(closed);
        }
        catch (XmlException)
        {
            return [];
        }
    }

    private static string Text(XElement? element) => element?.Value.Trim() ?? string.Empty;
}
