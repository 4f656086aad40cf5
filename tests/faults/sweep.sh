#!/usr/bin/env bash
# Stops and deletes the private databases that fault-test suites left behind
# (a suite that crashed or hit the CTest timeout never ran its teardown).
# CTest runs it before and after the `faults` tests (fixture
# envcredit_faults_sweep). Only folders under RUN_PARENT that scripts/db.sh
# made (db/.envcredit-db) are touched.
#
#   tests/faults/sweep.sh SOURCE_DIR RUN_PARENT
set -euo pipefail

source_dir=${1:?usage: sweep.sh SOURCE_DIR RUN_PARENT}
run_parent=${2:?usage: sweep.sh SOURCE_DIR RUN_PARENT}
[[ -d $run_parent ]] || exit 0
shopt -s nullglob
status=0
for dir in "$run_parent"/*/; do
  dir=${dir%/}
  if [[ -f $dir/db/.envcredit-db ]]; then
    if ! "$source_dir/scripts/db.sh" stop "$dir" >/dev/null; then
      echo "sweep.sh: could not stop the database in $dir" >&2
      status=1
      continue
    fi
    echo "sweep.sh: removed a left-over private database: $dir"
  fi
  rm -rf -- "$dir"
done
exit $status
