#!/usr/bin/env bash
# The rating-call benchmark (doc/benchmarks.md "Ratings"): starts
# rating-ceiling-server (RatingService answered from memory) on loopback,
# measures it with rating-load, stops it, and then, when --server is given,
# measures the real envcredit-server the same way (plus as-of ratings when
# --as-of is given). Prints each rating-load line as it comes, then the runs
# side by side.
#
#   bench/rating_bench.sh [--build DIR] [--get-calls 20000] [--batch-calls 1000]
#       [--as-of-calls 5000] [--ceiling-credentials local|insecure]
#       [--server 127.0.0.1:PORT --token-file F [--codes-file C] [--as-of D]
#        [--cpu-pids "envcredit-server:PID mariadbd:PID"]
#        [--watchers N [--watch-seconds 20] [--watch-writes-per-second 500]]]
#
# Runs, each with a fixed call count and a warmup first:
#   get           in_flight 1, 1 channel;  in_flight 8, 2 channels
#   batch         1,000 codes a call: in_flight 1, 1 channel; in_flight 4, 2 channels
#   get_as_of     in_flight 1 and 8 (only with --as-of)
#   batch_as_of   as batch, as of --as-of (only with --as-of)
#   watch         the real server only, with --watchers N: watch-load (N
#                 WatchRatingChanges streams while penalty decisions are
#                 written through the API; it needs a REGULATOR or ADMIN
#                 token, and it adds records to the database)
#
# The real server must already be running on loopback, loaded with the
# enterprises of --codes-file (without it: the 100,000 codes import_bench
# generates by default), and started with a rate limit above the rates
# measured (--rate_limit_per_second=1000000 --rate_limit_burst=1000000: the
# default, 1,000 calls/s per token, would turn the runs into RESOURCE_EXHAUSTED).
# The ceiling gets the same token and codes, so the same bytes cross the wire.
#
# CPU: after each run a "# cpu" line gives the CPU time (user + system, all
# threads, from /proc/PID/stat) the ceiling server used during the run, or
# for the real server each process of --cpu-pids (NAME:PID pairs, e.g. the
# server and its MariaDB), in seconds and in microseconds per call (warmup
# calls included, as they ran in the same interval).
#
# Binaries come from DIR/bench (default build-bench in the repository):
#   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release
#   cmake --build build-bench --target rating-load rating-ceiling-server -j2
#
# Exit status: 0 when every run succeeded, 1 when any run failed (its line
# and rating-load's stderr say why), 2 for usage errors.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO
# shellcheck source=bench/bench_lib.sh
source "$REPO/bench/bench_lib.sh"  # usage, die, now, since, say, cpu_ticks, cpu_check, claim_run_dir, stop_process
BUILD="$REPO/build-bench"
GET_CALLS=20000
BATCH_CALLS=1000
AS_OF_CALLS=5000
CEILING_CREDENTIALS=local
SERVER=""
TOKEN_FILE=""
CODES_FILE=""
AS_OF=""
CPU_PIDS=""
WATCHERS=0
WATCH_SECONDS=20
WATCH_WRITES=500


while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) BUILD="${2:?}"; shift 2 ;;
    --get-calls) GET_CALLS="${2:?}"; shift 2 ;;
    --batch-calls) BATCH_CALLS="${2:?}"; shift 2 ;;
    --as-of-calls) AS_OF_CALLS="${2:?}"; shift 2 ;;
    --ceiling-credentials) CEILING_CREDENTIALS="${2:?}"; shift 2 ;;
    --server) SERVER="${2:?}"; shift 2 ;;
    --token-file) TOKEN_FILE="${2:?}"; shift 2 ;;
    --codes-file) CODES_FILE="${2:?}"; shift 2 ;;
    --as-of) AS_OF="${2:?}"; shift 2 ;;
    --cpu-pids) CPU_PIDS="${2:?}"; shift 2 ;;
    --watchers) WATCHERS="${2:?}"; shift 2 ;;
    --watch-seconds) WATCH_SECONDS="${2:?}"; shift 2 ;;
    --watch-writes-per-second) WATCH_WRITES="${2:?}"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "rating_bench.sh: unknown argument $1" >&2; usage ;;
  esac
done

readonly LOAD="$BUILD/bench/rating-load"
readonly CEILING="$BUILD/bench/rating-ceiling-server"
[[ -x "$LOAD" && -x "$CEILING" ]] ||
  die "build rating-load and rating-ceiling-server into $BUILD first (see --help)"
if [[ -n "$SERVER" ]]; then
  [[ -n "$TOKEN_FILE" ]] || die "--server needs --token-file"
  case "${SERVER%:*}" in
    127.*|localhost|"[::1]") ;;
    *) die "--server must be a loopback address (127.x.x.x, localhost, [::1])" ;;
  esac
fi
[[ -z "$TOKEN_FILE" || -r "$TOKEN_FILE" ]] || die "cannot read $TOKEN_FILE"
[[ -z "$CODES_FILE" || -r "$CODES_FILE" ]] || die "cannot read $CODES_FILE"

TMP="$(mktemp -d /tmp/rating-bench.XXXXXX)"
CEILING_PID=""
stop_ceiling() {
  if [[ -n "$CEILING_PID" ]]; then
    kill -TERM "$CEILING_PID" 2>/dev/null || true
    wait "$CEILING_PID" 2>/dev/null || true
    CEILING_PID=""
  fi
}
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() { stop_ceiling; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# The same metadata for both servers: the real token, or a dummy of a real
# token's length ("ect_" + 43 characters).
if [[ -n "$TOKEN_FILE" ]]; then
  TOKEN_ARGS=(--token_file "$TOKEN_FILE")
else
  TOKEN_ARGS=(--token "ect_ceilingceilingceilingceilingceilingceili")
fi
CODES_ARGS=()
[[ -n "$CODES_FILE" ]] && CODES_ARGS=(--codes_file "$CODES_FILE")

FAILED=0
LINES=()   # "label|run|line"
# cpu_line RUN_NAME CALLS "name:pid ..." "before ticks ..."
cpu_line() {
  local name="$1" calls="$2" out="" i ticks
  local -a procs starts
  read -r -a procs <<<"$3"
  read -r -a starts <<<"$4"
  for i in "${!procs[@]}"; do
    ticks=$(( $(cpu_ticks "${procs[$i]##*:}") - starts[i] ))
    out+="$(awk -v n="${procs[$i]%%:*}" -v t="$ticks" -v hz="$CLK_TCK" -v c="$calls" \
      'BEGIN { printf " %s %.2f s = %.0f µs/call,", n, t / hz, 1e6 * t / hz / c }')"
  done
  echo "# cpu $name:${out%,}"
}

# run LABEL TARGET CREDENTIALS RUN_NAME rating-load-args...
run() {
  local label="$1" target="$2" credentials="$3" name="$4"
  shift 4
  local line rc=0 pids="" before="" p calls=0 arg prev=""
  if [[ "$label" == ceiling ]]; then pids="rating-ceiling-server:$CEILING_PID"; else pids="$CPU_PIDS"; fi
  for arg in "$@"; do
    [[ "$prev" == --calls || "$prev" == --warmup ]] && calls=$(( calls + arg ))
    prev="$arg"
  done
  for p in $pids; do before+="$(cpu_ticks "${p##*:}") "; done
  line="$("$LOAD" --target "$target" --credentials "$credentials" \
    --label "$label" "${TOKEN_ARGS[@]}" "${CODES_ARGS[@]}" "$@")" || rc=$?
  if [[ $rc -ne 0 ]]; then
    FAILED=1
    [[ -n "$line" ]] || line="label=$label FAILED exit=$rc"
  fi
  echo "$line"
  [[ -z "$pids" ]] || cpu_line "$label $name" "$calls" "$pids" "$before"
  LINES+=("$label|$name|$line")
}

# runs LABEL TARGET CREDENTIALS
runs() {
  local label="$1" target="$2" credentials="$3"
  run "$label" "$target" "$credentials" "get/1" --method get \
    --in_flight 1 --channels 1 --calls "$GET_CALLS" --warmup 2000
  run "$label" "$target" "$credentials" "get/8" --method get \
    --in_flight 8 --channels 2 --calls "$GET_CALLS" --warmup 2000
  run "$label" "$target" "$credentials" "batch1000/1" --method batch \
    --batch_size 1000 --in_flight 1 --channels 1 --calls "$BATCH_CALLS" \
    --warmup 50
  run "$label" "$target" "$credentials" "batch1000/4" --method batch \
    --batch_size 1000 --in_flight 4 --channels 2 --calls "$BATCH_CALLS" \
    --warmup 50
  if [[ -n "$AS_OF" ]]; then
    run "$label" "$target" "$credentials" "get_as_of/1" --method get_as_of \
      --as_of "$AS_OF" --in_flight 1 --channels 1 --calls "$AS_OF_CALLS" \
      --warmup 500
    run "$label" "$target" "$credentials" "get_as_of/8" --method get_as_of \
      --as_of "$AS_OF" --in_flight 8 --channels 2 --calls "$AS_OF_CALLS" \
      --warmup 500
    run "$label" "$target" "$credentials" "batch_as_of/1" --method batch \
      --as_of "$AS_OF" --batch_size 1000 --in_flight 1 --channels 1 \
      --calls "$BATCH_CALLS" --warmup 50
    run "$label" "$target" "$credentials" "batch_as_of/4" --method batch \
      --as_of "$AS_OF" --batch_size 1000 --in_flight 4 --channels 2 \
      --calls "$BATCH_CALLS" --warmup 50
  fi
}

echo "# $(date -u +%FT%TZ) $(nproc) cpus, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
  "commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')"

"$CEILING" --listen 127.0.0.1:0 --port_file "$TMP/ceiling.port" \
  --credentials "$CEILING_CREDENTIALS" 2>"$TMP/ceiling.log" &
CEILING_PID=$!
for _ in $(seq 100); do
  [[ -s "$TMP/ceiling.port" ]] && break
  kill -0 "$CEILING_PID" 2>/dev/null || { cat "$TMP/ceiling.log" >&2; die "ceiling server exited"; }
  sleep 0.05
done
[[ -s "$TMP/ceiling.port" ]] || die "ceiling server did not start within 5 s"
cpu_check ceiling
runs ceiling "127.0.0.1:$(cat "$TMP/ceiling.port")" "$CEILING_CREDENTIALS"
stop_ceiling

if [[ -n "$SERVER" ]]; then
  cpu_check real
  runs real "$SERVER" local
fi

WATCH_LINE=""
if [[ -n "$SERVER" && "$WATCHERS" -gt 0 ]]; then
  [[ -x "$BUILD/bench/watch-load" ]] || die "build watch-load into $BUILD first"
  [[ -n "$CODES_FILE" ]] || die "--watchers needs --codes-file"
  cpu_check watch
  before=""
  for p in $CPU_PIDS; do before+="$(cpu_ticks "${p##*:}") "; done
  WATCH_LINE="$("$BUILD/bench/watch-load" --target "$SERVER" --token_file "$TOKEN_FILE" \
    --codes_file "$CODES_FILE" --watchers "$WATCHERS" --seconds "$WATCH_SECONDS" \
    --writes_per_second "$WATCH_WRITES")" || FAILED=1
  echo "$WATCH_LINE"
  [[ -z "$CPU_PIDS" ]] || cpu_line "real watch (per write)" \
    "$(( WATCH_SECONDS * WATCH_WRITES ))" "$CPU_PIDS" "$before"
fi

# Side by side: one row per run, the ceiling's and the real server's figures.
field() { sed -n "s/.*[[:space:]]$2=\([^[:space:]]*\).*/\1/p" <<<"$1"; }
cell() {
  local label="$1" name="$2" entry
  for entry in "${LINES[@]}"; do
    if [[ "$entry" == "$label|$name|"* ]]; then
      local line="${entry#*|*|}"
      if [[ "$line" == *FAILED* ]]; then printf '%-34s' "FAILED"; return; fi
      local extra=""
      [[ "$name" == batch* ]] && extra=" $(field "$line" ratings_per_s) r/s"
      printf '%-34s' "$(field "$line" calls_per_s)/s $(field "$line" p50_us)/$(field "$line" p99_us) µs${extra}"
      [[ "$(field "$line" errors)" == 0 ]] || printf ' errors=%s' "$(field "$line" errors)"
      return
    fi
  done
  printf '%-34s' "-"
}
echo
printf '%-13s %-34s %-34s\n' "run" "ceiling (calls/s p50/p99)" "real (calls/s p50/p99)"
for name in get/1 get/8 batch1000/1 batch1000/4 get_as_of/1 get_as_of/8 batch_as_of/1 \
    batch_as_of/4; do
  [[ "$name" == *as_of* && -z "$AS_OF" ]] && continue
  printf '%-13s %s %s\n' "$name" "$(cell ceiling "$name")" "$(cell real "$name")"
done
# Each figure of doc/benchmarks.md as a ratio to the ceiling (same in_flight)
# or a rate.
ratio() {
  local c r
  c="$(field "$(grep -F "ceiling|$1|" <<<"$(printf '%s\n' "${LINES[@]}")")" calls_per_s)"
  r="$(field "$(grep -F "real|$1|" <<<"$(printf '%s\n' "${LINES[@]}")")" calls_per_s)"
  [[ -n "$c" && -n "$r" ]] && awk -v c="$c" -v r="$r" 'BEGIN { printf "%.2f", r / c }' || echo "-"
}
if [[ -n "$SERVER" ]]; then
  echo
  echo "figures: get/1 $(ratio get/1) of the ceiling, get/8 $(ratio get/8);" \
    "as-of/8 $(ratio get_as_of/8) of the ceiling ($(field "$(grep -F "real|get_as_of/8|" \
    <<<"$(printf '%s\n' "${LINES[@]}")")" calls_per_s) calls/s);" \
    "batch as-of $(field "$(grep -F "real|batch_as_of/4|" <<<"$(printf '%s\n' "${LINES[@]}")")" \
    ratings_per_s) ratings/s"
  if [[ -n "$WATCH_LINE" ]]; then
    echo "watch: $(field "$WATCH_LINE" watchers) watchers, $(field "$WATCH_LINE" writes_per_s)" \
      "changes/s, missing $(field "$WATCH_LINE" missing), p99 $(field "$WATCH_LINE" p99_ms) ms"
  fi
fi
exit "$FAILED"
