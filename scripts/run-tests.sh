#!/usr/bin/env bash
# Runs one `swift test` invocation under a time limit, keeping its whole output in a log, and on
# failure repeats the failing tests' issues at the very end. A CI log is often read from its tail,
# and the tail of a long run otherwise shows only which suite failed, not which test or why.
#
# usage: scripts/run-tests.sh LOG LIMIT swift-test-arguments...
set -uo pipefail

log=$1 limit=$2
shift 2
mkdir -p "$(dirname "$log")"

timeout "$limit" swift test "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

if [ "$status" -ne 0 ]; then
  echo
  echo "==> swift test $* failed (exit $status); its issues, from $log:"
  # Swift Testing marks failures with ✘; "recorded an issue" lines carry the file, line and reason.
  grep -E '✘|recorded an issue|error:|Fatal error|timed out' "$log" | grep -v '^✘ Test run with' | tail -n 40
  [ "$status" -eq 124 ] && echo "==> stopped after $limit: a test hung"
fi
exit "$status"
