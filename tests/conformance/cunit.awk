# Reads iscsi-test-cu output (libiscsi's conformance suite on CUnit 2.1) and prints one tab-separated line per
# test run:  <suite#>\t<Suite>.<Test>\t<status>\t<detail>
#
#   mode=xml      input: CUnitAutomated-Results.xml (-x). status is passed or failed; detail is the first failed
#                 assertion ("file:line condition (N failed assertions)"). A suite whose initialisation failed
#                 gives one line "<Suite>.(suite init)  failed". A run cut short (no run summary) gives one line
#                 "(run).(incomplete)  failed".
#   mode=verbose  input: stdout of a verbose run (-v). status is skipped for every test that printed a
#                 "[SKIPPED]" line; detail is the first skip message. Other tests are not printed.
#
# <suite#> counts suites in run order: iscsi-test-cu registers the same suite name once per test family
# (ALL, SCSI, iSCSI, LINUX), so a test is identified by the suite occurrence and its name, and the two modes
# number suites identically for the same command line.
function decode(text) {
    gsub(/&lt;/, "<", text); gsub(/&gt;/, ">", text); gsub(/&quot;/, "\"", text); gsub(/&apos;/, "'", text)
    gsub(/&amp;/, "\\&", text)
    return text
}
function value(line,    v) {
    v = line
    sub(/^[^>]*> ?/, "", v)
    sub(/ ?<\/[A-Z_]+> *$/, "", v)
    return decode(v)
}
function flush() {
    if (test != "") {
        if (failures > 0) {
            printf "%d\t%s.%s\tfailed\t%s (%d failed assertion%s)\n", seq, suite, test, first, failures, failures == 1 ? "" : "s"
        } else {
            printf "%d\t%s.%s\tpassed\t\n", seq, suite, test
        }
    }
    test = ""; failures = 0; first = ""
}
function log_line(text,    message) {
    if (!running || test == "") return
    if (text ~ /^(passed|FAILED)/) { running = 0; return }
    if (text ~ /\[SKIPPED\]/ && !skipped) {
        message = text; sub(/^.*\[SKIPPED\] */, "", message); sub(/[ \t\r]+$/, "", message)
        printf "%d\t%s.%s\tskipped\t%s\n", seq, suite, test, message
        skipped = 1
    }
}
BEGIN { seq = 0; test = ""; failures = 0; summary = 0 }

mode == "xml" && /<CUNIT_RUN_SUITE_SUCCESS>|<CUNIT_RUN_SUITE_FAILURE>/ { flush(); seq++; suite = ""; suite_failed = ($0 ~ /FAILURE/) }
mode == "xml" && /<SUITE_NAME>/ { suite = value($0) }
mode == "xml" && /<FAILURE_REASON>/ && suite_failed { printf "%d\t%s.(suite init)\tfailed\t%s\n", seq, suite, value($0) }
mode == "xml" && /<CUNIT_RUN_TEST_(SUCCESS|FAILURE)>/ { record_failed = ($0 ~ /FAILURE/) }
mode == "xml" && /<TEST_NAME>/ {
    name = value($0)
    if (name != test) { flush(); test = name }
}
mode == "xml" && /<FILE_NAME>/ { file = value($0) }
mode == "xml" && /<LINE_NUMBER>/ { line = value($0) }
mode == "xml" && /<CONDITION>/ {
    if (record_failed) {
        failures++
        if (first == "") { first = file ":" line " " value($0) }
    }
}
mode == "xml" && /<CUNIT_RUN_SUMMARY>/ { flush(); summary = 1 }

# A test's log lies between "  Test: Name ..." and its result ("passed", or "FAILED" at the start of a line);
# what follows the result comes from the suite's set-up or clean-up and belongs to no test.
mode == "verbose" && /^Suite: / { seq++; suite = substr($0, 8); sub(/[ \t\r]+$/, "", suite); test = ""; next }
mode == "verbose" && /^  Test: / {
    test = substr($0, 9); rest = test
    sub(/ \.\.\..*$/, "", test); sub(/^[^.]*\.\.\./, "", rest)
    skipped = 0; running = 1
    log_line(rest)
    next
}
mode == "verbose" { log_line($0) }
END {
    if (mode == "xml") {
        flush()
        if (!summary) { printf "0\t(run).(incomplete)\tfailed\tthe results end before the run summary: the suite did not finish\n" }
    }
}
