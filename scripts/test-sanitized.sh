#!/usr/bin/env bash
# Builds everything with AddressSanitizer (+ LeakSanitizer) and
# UndefinedBehaviorSanitizer into build-asan/ and runs the whole CTest suite
# there (doc/reliability-fuzz-sanitize.md).
#
#   scripts/test-sanitized.sh [CTEST_ARGS...]
#
# ENVCREDIT_ASAN_BUILD_DIR overrides the folder; ENVCREDIT_SANITIZE the
# sanitizer list (default address,undefined). The default compiler (GCC) is
# used. The test database fixture lives under the build folder
# (build-asan/test-run), so this never touches build/'s instance. Left out:
# the fuzz label (scripts/fuzz.sh, already sanitized), the fault suites and
# the cluster suite (labels faults and cluster: they kill and freeze
# processes on purpose and run once, unsanitized, in the normal pass). Runs at low CPU
# priority (nice). Any sanitizer report fails the run: errors abort, UBSan
# halts on the first report, leaks fail the process at exit, and every
# report, from a test or from a server or CLI a test started, is written to
# build-asan/sanitizer-reports/report.<pid> and printed at the end (the test
# output itself then shows only "Subprocess aborted" or the exit code).
# Known reports inside third-party libraries are suppressed in
# scripts/sanitizers/{lsan,ubsan}.supp.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${ENVCREDIT_ASAN_BUILD_DIR:-$ROOT/build-asan}
SANITIZE=${ENVCREDIT_SANITIZE:-address,undefined}
SUPP=$ROOT/scripts/sanitizers

source "$ROOT/scripts/ccache.sh"
nice -n 15 cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DENVCREDIT_SANITIZE="$SANITIZE" -DENVCREDIT_BUILD_BENCH=OFF "${CCACHE_CMAKE_ARGS[@]}" >/dev/null
nice -n 15 cmake --build "$BUILD" -j2

cleanup() { "$ROOT/scripts/db.sh" stop "$BUILD/test-run" >/dev/null 2>&1 || true; }
trap cleanup EXIT

# Every sanitized process writes its reports to REPORTS/report.<pid>
# instead of stderr: the servers and CLIs the end-to-end tests start as
# child processes are stopped without a look at their exit status, so a
# report of theirs would otherwise pass unseen. Any report fails the run.
REPORTS=$BUILD/sanitizer-reports
rm -rf "$REPORTS"
mkdir -p "$REPORTS"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:log_path=$REPORTS/report${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$SUPP/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$SUPP/ubsan.supp:log_path=$REPORTS/report${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

# Sanitized code runs 2-4x slower: a longer default timeout per test.
status=0
nice -n 15 ctest --test-dir "$BUILD" --output-on-failure --timeout 1200 -j2 \
  -LE '^(fuzz|faults|cluster)$' "$@" || status=$?

reports=("$REPORTS"/report.*)
if [[ -e ${reports[0]} ]]; then
  echo "test-sanitized.sh: ${#reports[@]} sanitizer report(s):" >&2
  for report in "${reports[@]}"; do
    echo "=== $report" >&2
    cat "$report" >&2
  done
  status=1
fi
exit "$status"
