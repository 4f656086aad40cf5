#!/usr/bin/env bash
# One node against a 3-node Galera cluster (issue 16, doc/benchmarks.md "One
# node against a 3-node Galera cluster"): in one run, the same figures on a
# private single MariaDB and on a private 3-node Galera cluster, one after the
# other, and each cluster figure as a ratio to the single node's.
#
#   bench/cluster_bench.sh [--build DIR] [--run-dir /tmp/envcredit-cluster-bench]
#       [--enterprises 20000] [--decisions 200000] [--cluster-first]
#       [--get-calls 20000] [--as-of-calls 5000] [--as-of 2025-06-30]
#       [--step-timeout 600] [--keep]
#
# Once: the CSVs (bench/import_bench --generate_only; decisions 2015-2024).
# Then for each side, single node first (--cluster-first: the cluster first,
# so that a drift of the machine's load favours neither side over two runs):
#   1. the database: scripts/db.sh start DIR --fast, or scripts/cluster.sh
#      start DIR --fast (bootstrap from nothing: two SSTs); 127.0.0.1 only;
#   2. envcredit-server on 127.0.0.1:0 with --db_create (its start migrates
#      the schema: on the cluster every DDL in total order), on the cluster
#      with --db_hosts of the three nodes (doc/deployment.md); the time to
#      its port file;
#   3. bench/enterprise_import_bench.sh: the enterprises CSV as raw multi-row
#      INSERTs (the anchor, through node 1's socket on the cluster), then
#      `envcredit-admin import enterprises`;
#   4. bench/decision_import_bench.sh: the same for the decisions CSV, then
#      its re-import (every row already_existed);
#   5. `envcredit-admin ratings rescore --all`;
#   6. reads, with bench/rating-load, 8 in flight on 2 channels: GetRating
#      (current) --get-calls, and as of --as-of --as-of-calls; skipped when
#      rating-load is not built. Both are answered from the server's memory
#      (the rating cache, the records cache: doc/ratings.md), so they show
#      whether the cluster slows the serving path, not a database read;
#   7. the server's retry counters (its /metrics), then the server and the
#      database are stopped before the other side starts, so only one side
#      runs at a time.
# Each step is bounded by --step-timeout seconds and prints its CPU time: the
# server's and each mariadbd's. Last, a table: each figure for the single
# node and the cluster, and cluster ÷ single (of the rates: below 1, the
# cluster is slower).
#
# Binaries come from DIR (default build-bench in the repository):
#   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release
#   cmake --build build-bench -j2 --target envcredit-server envcredit-admin \
#       import_bench rating-load
#
# RUN_DIR must be under /tmp; it is deleted at the end unless --keep. Every
# process the script starts is stopped on exit, also on failure or Ctrl-C.
# Exit status: 0 when every step succeeded, 1 when one failed, 2 for usage
# errors.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO
# shellcheck source=bench/bench_lib.sh
source "$REPO/bench/bench_lib.sh"  # usage, die, now, since, say, cpu_ticks, cpu_check, claim_run_dir, stop_process
BUILD="$REPO/build-bench"
RUN_DIR=/tmp/envcredit-cluster-bench
ENTERPRISES=20000
DECISIONS=200000
ORDER=(single cluster)
GET_CALLS=20000
AS_OF_CALLS=5000
AS_OF=2025-06-30
STEP_TIMEOUT=600
KEEP=0
readonly DB_NAME=cluster_bench


while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) BUILD="${2:?}"; shift 2 ;;
    --run-dir) RUN_DIR="${2:?}"; shift 2 ;;
    --enterprises) ENTERPRISES="${2:?}"; shift 2 ;;
    --decisions) DECISIONS="${2:?}"; shift 2 ;;
    --cluster-first) ORDER=(cluster single); shift ;;
    --get-calls) GET_CALLS="${2:?}"; shift 2 ;;
    --as-of-calls) AS_OF_CALLS="${2:?}"; shift 2 ;;
    --as-of) AS_OF="${2:?}"; shift 2 ;;
    --step-timeout) STEP_TIMEOUT="${2:?}"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage ;;
    *) echo "cluster_bench.sh: unknown argument $1" >&2; usage ;;
  esac
done

[[ -d "$BUILD" ]] || die "no build folder $BUILD (see --help)"
BUILD="$(cd "$BUILD" && pwd)"
readonly SERVER_BIN="$BUILD/server/envcredit-server"
readonly ADMIN_BIN="$BUILD/admin-cli/envcredit-admin"
readonly GEN_BIN="$BUILD/bench/import_bench"
readonly LOAD_BIN="$BUILD/bench/rating-load"
for bin in "$SERVER_BIN" "$ADMIN_BIN" "$GEN_BIN"; do
  [[ -x "$bin" ]] || die "build $(basename "$bin") into $BUILD first (see --help)"
done
for n in "$ENTERPRISES" "$DECISIONS" "$GET_CALLS" "$AS_OF_CALLS" "$STEP_TIMEOUT"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "counts and timeouts are positive integers, not '$n'"
done
[[ "$AS_OF" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || die "--as-of: YYYY-MM-DD"
RUN_DIR="$(claim_run_dir "$RUN_DIR" .cluster-bench)"

# The server takes its database from flags here, never from the caller's
# environment (a stray ENVCREDIT_DB_HOSTS would turn the single node into a
# cluster).
for v in ${!ENVCREDIT_DB_@}; do unset "$v"; done

load() { cut -d' ' -f1-3 /proc/loadavg; }

SERVER_PID=""
SIDE=""        # the side whose database is up: single, cluster or empty
STATUS=1

# The pids of the running side's mariadbd processes, "name:pid" each.
db_pids() {
  local f
  case "$SIDE" in
    single) f="$RUN_DIR/single/db/mariadbd.pid"; [[ -s $f ]] && echo "mariadbd:$(cat "$f")" ;;
    cluster)
      for n in 1 2 3; do
        f="$RUN_DIR/cluster/cluster/g$n/mariadbd.pid"
        [[ -s $f ]] && echo "mariadbd-g$n:$(cat "$f")"
      done ;;
  esac
  return 0
}

stop_server() {
  [[ -n "$SERVER_PID" ]] || return 0
  stop_process "$SERVER_PID" envcredit-server
  SERVER_PID=""
}

# Whether pid $1 is running (a zombie, not yet reaped by whoever adopted it,
# is not).
alive() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat%% *}" != [ZX] ]]
}

# Stops the running side's database with its own script (bounded); a
# mariadbd still alive after that, which this script started, gets SIGKILL.
stop_db() {
  [[ -n "$SIDE" ]] || return 0
  local left p
  left="$(db_pids)"
  case "$SIDE" in
    single) timeout 120 "$REPO/scripts/db.sh" stop "$RUN_DIR/single" >/dev/null || true ;;
    cluster) timeout 240 "$REPO/scripts/cluster.sh" stop "$RUN_DIR/cluster" >/dev/null || true ;;
  esac
  # The stop scripts may return while a mariadbd is still exiting: a grace
  # of 15 s first.
  for _ in $(seq 150); do
    local running=0
    for p in $left; do alive "${p##*:}" && running=1; done
    [[ $running == 1 ]] || break
    sleep 0.1
  done
  for p in $left; do
    if alive "${p##*:}"; then
      echo "# ${p%%:*} (pid ${p##*:}) still running after stop; SIGKILL" >&2
      kill -KILL "${p##*:}" 2>/dev/null || true
    fi
  done
  SIDE=""
}

# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  stop_server
  stop_db
  if [[ $KEEP == 0 && -f "$RUN_DIR/.cluster-bench" ]]; then
    rm -rf "$RUN_DIR"
    echo "# removed $RUN_DIR"
  else
    echo "# kept $RUN_DIR (data and logs; everything is stopped)"
  fi
  exit "$STATUS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

declare -A FIG=()      # FIG[side/figure] = rate
declare -A SECS=()     # SECS[side/figure] = seconds
declare -A INFO=()     # INFO[side/name] = text
FIGURES=()             # figure names in order, "name|unit"
declare -A CPU=()      # CPU[side/step] = the step's CPU line
CPU_STEPS=()           # the steps in order

figure() {  # side name unit rate seconds
  FIG["$1/$2"]="$4"
  SECS["$1/$2"]="$5"
  local f
  for f in "${FIGURES[@]}"; do [[ "$f" == "$2|$3" ]] && return; done
  FIGURES+=("$2|$3")
}

# Runs "$@" bounded by --step-timeout, printing its output as it comes, and
# then the wall time and the CPU time of the server and each mariadbd. The
# output is kept in $STEP_OUT, the wall time in $STEP_SECS.
STEP_OUT="" STEP_SECS=""
step() {
  local name="$1" pids p t0 rc=0 cpu=""
  shift
  pids="envcredit-server:$SERVER_PID $(db_pids | tr '\n' ' ')"
  local -A before=()
  for p in $pids; do before[$p]=$(cpu_ticks "${p##*:}"); done
  say "$SIDE: $name (load average $(load))"
  t0=$(now)
  STEP_OUT="$(timeout "$STEP_TIMEOUT" "$@" 2>&1)" || rc=$?
  STEP_SECS=$(since "$t0")
  [[ -z "$STEP_OUT" ]] || echo "  ${STEP_OUT//$'\n'/$'\n'  }"
  for p in $pids; do
    cpu+="$(awk -v n="${p%%:*}" -v t=$(( $(cpu_ticks "${p##*:}") - ${before[$p]} )) -v hz="$CLK_TCK" \
      'BEGIN { printf " %s %.1f s,", n, t / hz }')"
  done
  say "$SIDE: $name: $STEP_SECS s wall; CPU meanwhile:${cpu%,}"
  CPU["$SIDE/$name"]="${cpu%,}"
  [[ " ${CPU_STEPS[*]} " == *" $name "* ]] || CPU_STEPS+=("$name")
  if [[ $rc != 0 ]]; then
    echo "cluster_bench.sh: $SIDE: $name failed (exit $rc; 124: over --step-timeout)" >&2
    exit 1
  fi
}

# The seconds in "LABEL: 4,771 rows/s (4.19 s), ..." of the import scripts.
seconds_of() {
  sed -n "s/^$1: .*(\([0-9.]*\) s).*/\1/p" <<<"$STEP_OUT"
}
# Records figure NAME from the line LABEL of $STEP_OUT, ROWS rows.
rows_figure() {  # label name rows
  local s
  s="$(seconds_of "$1")"
  [[ -n "$s" ]] || { echo "cluster_bench.sh: no '$1' line" >&2; exit 1; }
  figure "$SIDE" "$2" "rows/s" "$(awk -v n="$3" -v s="$s" 'BEGIN { printf "%.0f", n / s }')" "$s"
  if grep -q "^$1: .*failed [1-9]" <<<"$STEP_OUT"; then
    echo "cluster_bench.sh: $SIDE: $2: rows failed (see above)" >&2
    exit 1
  fi
}

# ---------------------------------------------------------------- the data
echo "# $(date -u +%FT%TZ) $(nproc) cpus, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
  "load average $(load), commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')," \
  "$ENTERPRISES enterprises, $DECISIONS decisions, order: ${ORDER[*]}"
DATA="$RUN_DIR/data"
timeout "$STEP_TIMEOUT" "$GEN_BIN" --generate_only --dir "$DATA" \
  --enterprises "$ENTERPRISES" --decisions "$DECISIONS" 2>&1 | grep -v '^+ ' || true
ENT_CSV="$DATA/enterprises-$ENTERPRISES.csv"
DEC_CSV="$DATA/decisions-$DECISIONS-$ENTERPRISES.csv"
[[ -s "$ENT_CSV" && -s "$DEC_CSV" ]] || { echo "import_bench wrote no CSVs" >&2; exit 1; }
tail -n +2 "$ENT_CSV" | cut -d, -f1 >"$DATA/codes.txt"

# ------------------------------------------------------------- one side
run_side() {
  local dir="$RUN_DIR/$1" env_file db_args t0
  SIDE="$1"
  echo
  cpu_check "$SIDE"
  t0=$(now)
  say "$SIDE: database (load average $(load))"
  if [[ $SIDE == single ]]; then
    timeout "$STEP_TIMEOUT" "$REPO/scripts/db.sh" start "$dir" --fast >/dev/null
    env_file="$dir/db/db.env"
  else
    timeout "$STEP_TIMEOUT" "$REPO/scripts/cluster.sh" start "$dir" --fast >/dev/null
    env_file="$dir/cluster/db.env"
  fi
  INFO["$SIDE/database start"]="$(since "$t0") s"
  # shellcheck disable=SC1090
  source "$env_file"
  if [[ $SIDE == single ]]; then
    db_args=(--db_host=127.0.0.1 --db_port="$ENVCREDIT_DB_PORT")
  else
    db_args=(--db_hosts="$ENVCREDIT_DB_HOSTS")
    "$REPO/scripts/cluster.sh" status "$dir" | sed 's/^/  /'
  fi
  local socket="$ENVCREDIT_DB_SOCKET"
  for v in ${!ENVCREDIT_DB_@}; do unset "$v"; done
  say "$SIDE: database up in ${INFO["$SIDE/database start"]}; server with ${db_args[*]}"

  t0=$(now)
  rm -f "$dir/server.port"
  ENVCREDIT_DB_USER=root ENVCREDIT_DB_PASSWORD="" "$SERVER_BIN" "${db_args[@]}" \
    --db_name="$DB_NAME" --db_create --policy_dir="$REPO/policies" \
    --listen=127.0.0.1:0 --port_file="$dir/server.port" \
    --metrics_listen=127.0.0.1:0 --metrics_port_file="$dir/metrics.port" \
    --admin_token_file="$dir/admin.token" \
    --rate_limit_per_second=1000000 --rate_limit_burst=1000000 \
    2>"$dir/server.log" &
  SERVER_PID=$!
  local deadline=$(( $(date +%s) + STEP_TIMEOUT ))
  until [[ -s "$dir/server.port" ]]; do
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$dir/server.log" >&2; echo "server exited" >&2; exit 1; }
    (( $(date +%s) < deadline )) || { echo "server not serving after $STEP_TIMEOUT s" >&2; exit 1; }
    sleep 0.1
  done
  local server secs
  server="127.0.0.1:$(cat "$dir/server.port")"
  secs=$(since "$t0")
  figure "$SIDE" "server start (schema created)" "s" "$(awk -v s="$secs" 'BEGIN { printf "%.4f", 1 / s }')" "$secs"
  say "$SIDE: envcredit-server serving on $server after $secs s"

  local common=(--server "$server" --token-file "$dir/admin.token" --socket "$socket"
                --db "$DB_NAME" --admin "$ADMIN_BIN")
  step "import enterprises (anchor, then envcredit-admin)" \
    "$REPO/bench/enterprise_import_bench.sh" "${common[@]}" --csv "$ENT_CSV"
  rows_figure "anchor raw INSERT" "enterprises, raw INSERT (anchor)" "$ENTERPRISES"
  rows_figure "import enterprises" "import enterprises" "$ENTERPRISES"

  step "import decisions (anchor, envcredit-admin, re-import)" \
    "$REPO/bench/decision_import_bench.sh" "${common[@]}" --csv "$DEC_CSV"
  rows_figure "anchor raw INSERT" "decisions, raw INSERT (anchor)" "$DECISIONS"
  rows_figure "import decisions" "import decisions" "$DECISIONS"
  rows_figure "re-import (same file)" "re-import decisions" "$DECISIONS"

  step "ratings rescore --all" "$ADMIN_BIN" --server "$server" \
    --token-file "$dir/admin.token" --timeout "$STEP_TIMEOUT" --output json ratings rescore --all
  figure "$SIDE" "ratings rescore --all" "enterprises/s" \
    "$(awk -v n="$ENTERPRISES" -v s="$STEP_SECS" 'BEGIN { printf "%.0f", n / s }')" "$STEP_SECS"

  if [[ -x "$LOAD_BIN" ]]; then
    local load_args=(--target "$server" --token_file "$dir/admin.token"
                     --codes_file "$DATA/codes.txt" --in_flight 8 --channels 2)
    step "GetRating, current, 8 in flight" "$LOAD_BIN" "${load_args[@]}" \
      --method get --calls "$GET_CALLS" --warmup 2000
    figure "$SIDE" "GetRating, current" "calls/s" \
      "$(sed -n 's/.* calls_per_s=\([0-9.]*\).*/\1/p' <<<"$STEP_OUT")" "$STEP_SECS"
    step "GetRating as of $AS_OF, 8 in flight" "$LOAD_BIN" "${load_args[@]}" \
      --method get_as_of --as_of "$AS_OF" --calls "$AS_OF_CALLS" --warmup 500
    figure "$SIDE" "GetRating, as of a past date" "calls/s" \
      "$(sed -n 's/.* calls_per_s=\([0-9.]*\).*/\1/p' <<<"$STEP_OUT")" "$STEP_SECS"
  else
    echo "# $LOAD_BIN not built: reads skipped"
  fi

  INFO["$SIDE/retries"]="$(curl -s --max-time 5 "http://127.0.0.1:$(cat "$dir/metrics.port")/metrics" |
    awk '/^envcredit_db_(transaction_retries|failovers)_total/ { printf "%s%s %s", sep, $1, $2; sep = ", " }')"
  say "$SIDE: server counters: ${INFO["$SIDE/retries"]:-(metrics not read)}"
  stop_server
  stop_db
}

for side in "${ORDER[@]}"; do run_side "$side"; done

# ---------------------------------------------------------------- summary
echo
echo "# Summary: $ENTERPRISES enterprises, $DECISIONS decisions; order ${ORDER[*]}; load average now $(load)"
echo "# database start: single ${INFO[single/database start]}, cluster ${INFO[cluster/database start]} (not a figure)"
printf '%-36s %22s %22s %16s\n' "figure" "single node" "3-node cluster" "cluster/single"
for f in "${FIGURES[@]}"; do
  name="${f%|*}" unit="${f#*|}"
  if [[ $unit == s ]]; then   # a duration: shown in seconds, ratio of the times
    printf '%-36s %20s s %20s s %15s\n' "$name" "${SECS[single/$name]}" "${SECS[cluster/$name]}" \
      "$(awk -v a="${SECS[single/$name]}" -v b="${SECS[cluster/$name]}" 'BEGIN { printf "%.2f x time", b / a }')"
  else
    printf '%-36s %22s %22s %16s\n' "$name" \
      "$(printf "%'.0f %s" "${FIG[single/$name]}" "$unit")" "$(printf "%'.0f %s" "${FIG[cluster/$name]}" "$unit")" \
      "$(awk -v a="${FIG[single/$name]}" -v b="${FIG[cluster/$name]}" 'BEGIN { printf "%.2f", b / a }')"
  fi
done
echo "# CPU time during each step (user + system), single node | cluster:"
for name in "${CPU_STEPS[@]}"; do
  echo "#   $name:${CPU[single/$name]:-} |${CPU[cluster/$name]:-}"
done
echo "# retries: single: ${INFO[single/retries]:-?}; cluster: ${INFO[cluster/retries]:-?}"
STATUS=0
