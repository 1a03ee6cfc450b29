#!/usr/bin/env bash
# Runs libiscsi's conformance suite (iscsi-test-cu) against the StateSave target server and prints one line per
# failed test, per unexplained skip, and as its last line "N passed, N failed, N skipped". Exits non-zero on any
# failure or any skip not explained in skips.txt. See README.md in this folder for what the suite needs and why.
#
# Environment:
#   STATESAVE_CONFORMANCE_URL           run against this already-running target instead of starting the server
#   STATESAVE_CONFORMANCE_MPATH_URL     with the above: a second path to the same LU (MultipathIO tests)
#   STATESAVE_CONFORMANCE_READONLY_URL  with the above: a write-protected LU for the "readonly" run (else not run)
#   STATESAVE_CONFORMANCE_GEOMETRY_URL  with the above: a thin LU with 2 logical blocks per physical block (else not run)
#   STATESAVE_CONFORMANCE_TESTS         iscsi-test-cu -t filter for the main run (default: every test family)
#   STATESAVE_CONFORMANCE_TIMEOUT       seconds one iscsi-test-cu run may take (default 1800)
#   STATESAVE_CONFORMANCE_KEEP=1        keep the work directory (XML, logs) and print where it is
#   ISCSI_TEST_CU                       the iscsi-test-cu binary (default: from PATH)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

# Must match tests/conformance/target.json.
target_name="iqn.2026-11.io.statesave:conformance"
chap_user="libiscsi-initiator"
chap_secret="conformance-initiator-secret"
mutual_user="statesave-target"
mutual_secret="conformance-target-secret"

timeout_seconds=${STATESAVE_CONFORMANCE_TIMEOUT:-1800}
geometry_tests="ALL.WriteSame10.UnmapUnaligned,ALL.WriteSame10.InvalidDataOutSize,ALL.WriteSame16.UnmapUnaligned,\
ALL.WriteSame16.InvalidDataOutSize,ALL.CompareAndWrite.InvalidDataOutSize"
log_cap=$((64 * 1024 * 1024))
tool=${ISCSI_TEST_CU:-$(command -v iscsi-test-cu || true)}
if [ -z "$tool" ]; then
  echo "iscsi-test-cu not found: install the Debian package libiscsi-bin (scripts/install-peers.sh)" >&2
  echo "0 passed, 0 failed, 0 skipped"
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/statesave-conformance.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    # SIGTERM: a background job of a non-interactive shell ignores SIGINT.
    kill -TERM "$server_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  if [ "${STATESAVE_CONFORMANCE_KEEP:-}" = "1" ]; then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -n "${STATESAVE_CONFORMANCE_URL:-}" ]; then
  main_url=$STATESAVE_CONFORMANCE_URL
  mpath_url=${STATESAVE_CONFORMANCE_MPATH_URL:-}
  readonly_url=${STATESAVE_CONFORMANCE_READONLY_URL:-}
  geometry_url=${STATESAVE_CONFORMANCE_GEOMETRY_URL:-}
else
  project="$root/src/StateSave.TargetServer/StateSave.TargetServer.csproj"
  echo "building the target server (Release)" >&2
  if ! dotnet build "$project" -c Release -nologo -v quiet > "$work/build.log" 2>&1; then
    cat "$work/build.log" >&2
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
  fi
  dll="$root/src/StateSave.TargetServer/bin/Release/net10.0/StateSave.TargetServer.dll"
  # Two portals on free loopback ports, in portal groups 1 and 2: the second is the multipath URL.
  dotnet "$dll" --config "$here/target.json" --portal 127.0.0.1:0/1 --portal 127.0.0.1:0/2 \
    --ready-file "$work/ready" > "$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    [ -s "$work/ready" ] && break
    if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
    sleep 0.1
  done
  if [ ! -s "$work/ready" ]; then
    echo "the target server did not start; its log:" >&2
    cat "$work/server.log" >&2
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
  fi
  # The ready file has one line per portal: "<portal group tag> <address:port>".
  portal1=$(awk '$1 == 1 { print $2; exit }' "$work/ready")
  portal2=$(awk '$1 == 2 { print $2; exit }' "$work/ready")
  credentials="$chap_user%$chap_secret@"
  main_url="iscsi://$credentials$portal1/$target_name/0"
  mpath_url="iscsi://$credentials$portal2/$target_name/0"
  readonly_url="iscsi://$credentials$portal1/$target_name/1"
  geometry_url="iscsi://$credentials$portal1/$target_name/2"
  # Mutual CHAP: libiscsi authenticates the target with these (iscsi_parse_full_url reads them).
  export LIBISCSI_CHAP_TARGET_USERNAME=$mutual_user LIBISCSI_CHAP_TARGET_PASSWORD=$mutual_secret
  echo "target server up: $portal1 (group 1), $portal2 (group 2)" >&2
fi

# run_suite <run name> <test filter or empty> <sanitize: yes|no> <url> [<mpath url>]
# Writes $work/<run>/results.tsv: "<run>\t<suite#>\t<Suite.Test>\t<passed|failed|skipped>\t<detail>".
run_suite() {
  local run=$1 filter=$2 sanitize=$3 dir="$work/$1"
  shift 3
  mkdir -p "$dir"
  local args=(-d)
  [ "$sanitize" = yes ] && args+=(--allow-sanitize)
  [ -n "$filter" ] && args+=(-t "$filter")
  echo "running iscsi-test-cu ($run): ${args[*]} $*" >&2
  local status=0
  # The log is capped: a test that loops on a failing command can print without end.
  (cd "$dir" && timeout "$timeout_seconds" "$tool" -x "${args[@]}" "$@" 2> stderr.txt | head -c "$log_cap" > stdout.txt
   exit "${PIPESTATUS[0]}") || status=$?
  if [ ! -f "$dir/CUnitAutomated-Results.xml" ]; then
    printf '%s\t0\t(run).(start)\tfailed\tiscsi-test-cu exited with %s before running tests: %s\n' "$run" "$status" \
      "$(tr '\n' ' ' < "$dir/stderr.txt" | cut -c1-300) $(tail -n 3 "$dir/stdout.txt" | tr '\n' ' ')" > "$dir/results.tsv"
    return
  fi
  awk -v mode=xml -f "$here/cunit.awk" "$dir/CUnitAutomated-Results.xml" > "$dir/xml.tsv"
  if [ "$(stat -c %s "$dir/stdout.txt")" -ge "$log_cap" ]; then
    printf '0\t(run).(log)\tfailed\tiscsi-test-cu logged more than %s bytes: a test loops\n' "$log_cap" >> "$dir/xml.tsv"
  fi
  if [ "$status" -eq 124 ]; then
    printf '0\t(run).(timeout)\tfailed\tiscsi-test-cu did not finish within %s s\n' "$timeout_seconds" >> "$dir/xml.tsv"
  fi
  : > "$dir/skips.tsv"
  # The XML records a skipped test as passed (the suite skips with CU_PASS); only the log says "[SKIPPED]", and in
  # XML mode the log does not name the test. A verbose run names it, so skips are attributed by a second run.
  if grep -q '\[SKIPPED\]' "$dir/stdout.txt"; then
    echo "attributing skips ($run): verbose run" >&2
    (cd "$dir" && timeout "$timeout_seconds" "$tool" -v "${args[@]}" "$@" 2>&1 | head -c "$log_cap" > verbose.txt) || true
    awk -v mode=verbose -f "$here/cunit.awk" "$dir/verbose.txt" > "$dir/skips.tsv"
    if ! grep -q '^Run Summary' "$dir/verbose.txt"; then
      printf '0\t(run).(skips)\tfailed\tthe verbose run that names skipped tests did not finish: %s\n' \
        "$(grep -m1 -iE 'fail|error' "$dir/verbose.txt" | cut -c1-200)" >> "$dir/xml.tsv"
    fi
  fi
  # A test counts as skipped when it passed in the XML run and printed "[SKIPPED]" in the verbose run.
  awk -F'\t' -v OFS='\t' -v run="$run" -v skips="$dir/skips.tsv" '
    FILENAME == skips { skip[$1 SUBSEP $2] = $4; next }
    { key = $1 SUBSEP $2
      if ($3 == "passed" && (key in skip)) { $3 = "skipped"; $4 = skip[key] }
      print run, $0 }' "$dir/skips.tsv" "$dir/xml.tsv" > "$dir/results.tsv"
}

main_mpath=()
[ -n "$mpath_url" ] && main_mpath=("$mpath_url")
# The main run: every test family, both paths. SANITIZE runs on its own (below): with a second path,
# Sanitize.Reservations leaves the second path's RESERVE(6) in place (the suite does not log that path out), and
# Sanitize.Reset then meets RESERVATION CONFLICT from a correct target.
run_suite main "${STATESAVE_CONFORMANCE_TESTS:-}" no "$main_url" "${main_mpath[@]}"
results=("$work/main/results.tsv")
if [ -z "${STATESAVE_CONFORMANCE_TESTS:-}" ]; then
  # One path: the suite clones its second session for each test and logs it out, which releases the reservation.
  run_suite sanitize ALL.Sanitize yes "$main_url"
  results+=("$work/sanitize/results.tsv")
fi
if [ -n "$readonly_url" ]; then
  run_suite readonly ALL.ReadOnly no "$readonly_url"
  results+=("$work/readonly/results.tsv")
fi
if [ -n "${geometry_url:-}" ]; then
  # The tests that run only with 2 or more logical blocks per physical block (they skip on LUN 0, which keeps one:
  # GetLBAStatus.UnmapSingle expects a first descriptor past the requested LBA when there are more).
  run_suite geometry "$geometry_tests" no "$geometry_url"
  results+=("$work/geometry/results.tsv")
fi

cat "${results[@]}" > "$work/results.tsv"
# Report: failures, then skips not explained in skips.txt, then the counts.
awk -F'\t' '
  FILENAME ~ /skips\.txt$/ {
    if ($0 ~ /^[ \t]*(#|$)/) next
    n = split($0, f, /[ \t]+/)
    if (n < 3 || f[3] == "") { printf "skips.txt: \"%s\" has no reason\n", $0; bad++; next }
    if (f[2] ~ /\.\*$/) { suites[f[1] SUBSEP substr(f[2], 1, length(f[2]) - 1)] = 1 } else { explained[f[1] SUBSEP f[2]] = 1 }
    next
  }
  $4 == "failed"  { failed++; printf "FAILED   %s %s: %s\n", $1, $3, $5 }
  $4 == "passed"  { passed++ }
  $4 == "skipped" { skipped++
                    suite = $3; sub(/\.[^.]*$/, ".", suite)
                    if (!(($1 SUBSEP $3) in explained) && !(($1 SUBSEP suite) in suites)) { unexplained++; printf "SKIPPED  %s %s: %s (not explained in skips.txt)\n", $1, $3, $5 } }
  END {
    if (unexplained) printf "%d skip(s) not explained in tests/conformance/skips.txt\n", unexplained
    printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped
    exit (failed > 0 || unexplained > 0 || bad > 0 || passed == 0) ? 1 : 0
  }' "$here/skips.txt" "$work/results.tsv"
