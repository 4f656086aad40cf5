#!/usr/bin/env bash
# Fuzzes every parser for a short time (doc/reliability-fuzz-sanitize.md).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Configures and builds the libFuzzer targets of fuzz/ with clang++ into
# build-fuzz/ (ENVCREDIT_FUZZ_BUILD_DIR overrides), then runs each target
# (default: all) for SECONDS_PER_TARGET seconds (default 20) over its seed
# corpus fuzz/corpus/<target>/. New inputs go to build-fuzz/corpus/<target>/,
# never into the committed seeds; a crash, a sanitizer report or a failed
# property leaves its input in build-fuzz/artifacts/<target>/ and makes the
# script exit 1. Runs at low CPU priority (nice). Extra libFuzzer flags:
# ENVCREDIT_FUZZ_FLAGS (e.g. "-jobs=2 -workers=2").
#
# CTest runs it as the test fuzz_short (label fuzz). It needs clang and
# libclang-rt-14-dev (scripts/setup.sh installs them).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${ENVCREDIT_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
SECONDS_PER_TARGET=${1:-20}
shift || true
ALL_TARGETS=(uscc csv_reader policy_text page_token resource_name)
TARGETS=("$@")
if ((${#TARGETS[@]} == 0)); then TARGETS=("${ALL_TARGETS[@]}"); fi

if ! [[ $SECONDS_PER_TARGET =~ ^[0-9]+$ ]] || ((SECONDS_PER_TARGET < 1)); then
  echo "fuzz.sh: SECONDS_PER_TARGET must be a positive number" >&2
  exit 2
fi
for target in "${TARGETS[@]}"; do
  if [[ ! -f $ROOT/fuzz/${target}_fuzzer.cc ]]; then
    echo "fuzz.sh: no target $target (have: ${ALL_TARGETS[*]})" >&2
    exit 2
  fi
done

CLANGXX=${ENVCREDIT_FUZZ_CXX:-clang++}
if ! command -v "$CLANGXX" >/dev/null; then
  echo "fuzz.sh: $CLANGXX not found (scripts/setup.sh installs clang)" >&2
  exit 1
fi

echo "fuzz.sh: building ${TARGETS[*]} in $BUILD"
source "$ROOT/scripts/ccache.sh"
nice -n 15 cmake -S "$ROOT" -B "$BUILD" -DCMAKE_CXX_COMPILER="$CLANGXX" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DENVCREDIT_FUZZ=ON "${CCACHE_CMAKE_ARGS[@]}" \
  -DENVCREDIT_BUILD_TESTS=OFF -DENVCREDIT_BUILD_BENCH=OFF >/dev/null
nice -n 15 cmake --build "$BUILD" -j2 \
  --target "${TARGETS[@]/%/_fuzzer}"

# halt_on_error + abort_on_error: any report ends the run with the input
# saved. Leak checking stays on (libFuzzer checks each input that leaked).
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
for target in "${TARGETS[@]}"; do
  corpus=$BUILD/corpus/$target
  artifacts=$BUILD/artifacts/$target
  mkdir -p "$corpus" "$artifacts"
  log=$BUILD/fuzz-$target.log
  stamp=$BUILD/fuzz-$target.started
  touch "$stamp"
  echo "fuzz.sh: $target for ${SECONDS_PER_TARGET}s (log $log)"
  # shellcheck disable=SC2086  # ENVCREDIT_FUZZ_FLAGS is a list of flags
  if nice -n 15 "$BUILD/fuzz/${target}_fuzzer" \
      -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 \
      -artifact_prefix="$artifacts/" ${ENVCREDIT_FUZZ_FLAGS:-} \
      "$corpus" "$ROOT/fuzz/corpus/$target" >"$log" 2>&1; then
    grep -E '^stat::(number_of_executed_units|new_units_added)|^Done ' "$log" |
      sed "s/^/  $target: /" || true
  else
    echo "fuzz.sh: $target FAILED; last lines of $log:" >&2
    tail -n 40 "$log" >&2
    find "$artifacts" -type f -newer "$stamp" | sed 's|^|  input: |' >&2
    failed+=("$target")
  fi
done

if ((${#failed[@]})); then
  echo "fuzz.sh: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz.sh: ${#TARGETS[@]} targets, no crash"
