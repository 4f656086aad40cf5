#!/usr/bin/env bash
# The rescore benchmark (doc/benchmarks.md "Ratings", figure 4): how long
# `envcredit-admin ratings rescore --all` takes for a large registry, next to
# one full scan of the penalty_decisions table on the same database.
#
#   bench/rescore_bench.sh [--build DIR] [--run-dir /tmp/envcredit-rescore-run]
#       [--db-name rescore] [--enterprises 1000000] [--decisions 10000000]
#       [--buffer-pool 6G|default] [--page-sizes "1000 5000"]
#       [--scan-repeats 3] [--anchor-only] [--step-timeout 1800] [--start-timeout 3600]
#       [--reuse] [--keep]
#
# Steps, each bounded by --step-timeout seconds and printed as it goes:
#   1. a private MariaDB in RUN_DIR (scripts/db.sh start RUN_DIR --fast; on
#      127.0.0.1 only), its InnoDB buffer pool set with SET GLOBAL (default
#      6G: the 10M-decision table and its indexes are about 3.7 GB, the
#      ratings, history and feed rows the backfill writes about 1 GB more;
#      "default" keeps db.sh's 128 MB, with which the load slows to about
#      10,000 decisions/s once the indexes outgrow it);
#   2. the schema (envcredit-server --migrate_only --db_create) and the data
#      (bench/rating-dataset: --enterprises, --decisions, no ratings) —
#      skipped with --reuse when the database already holds that many
#      enterprises;
#   3. envcredit-server on 127.0.0.1:0, whose start rates every enterprise
#      (BackfillMissing): the time to the port file, and the log's
#      "rated N enterprises" line (bounded by --start-timeout; the server
#      ignores SIGTERM until its start is done, so when the script has to
#      stop it earlier it sends SIGKILL after 30 s);
#   4. for each page size: `envcredit-admin ratings rescore --all
#      --page-size N` (N "default": without --page-size), timed, with the CPU time the server and mariadbd used
#      meanwhile and MariaDB's counters (statements, rows read, buffer pool
#      misses) per run; during the first, SHOW EXPLAIN FOR the server's
#      connection while it runs LoadScoringRecords' packed decisions query
#      (the plan of the real prepared statement);
#   5. EXPLAIN and SHOW PROFILES of the statements one rescore page runs
#      (RescorePage, Recompute, LoadScoringRecords: its packed decisions
#      read of one half page of 500, and the one-row-per-decision read
#      that explanations use) for 1,000 ids mid-table,
#      and two probes beside the decisions query: the same rows read from
#      the (enterprise_id, decision_date) index alone (no clustered-index
#      lookups), and as many rows read as one primary-key range;
#   6. the scan, through the mariadb client, --scan-repeats times each:
#        SELECT enterprise_id, SUM(fine_amount_fen) FROM penalty_decisions
#          IGNORE INDEX (<the enterprise indexes>) GROUP BY enterprise_id
#      (a full scan: EXPLAIN type ALL; with the default 16 MB tmp_table_size
#      the 1M groups go to an on-disk temporary table), the same with 2 GB
#      in-memory temporary tables (SET SESSION), the scan alone (COUNT and
#      SUM, no grouping), the same query without the hint (the optimiser's
#      own plan), and with a covering index (enterprise_id, fine_amount_fen)
#      that this script adds for the measurement and drops again (the
#      schema has none);
#      With --anchor-only, only the scan with 2 GB in-memory temporary tables
#      (the anchor: the fastest full GROUP BY scan in every run so far; at
#      10M decisions under load the on-disk and optimiser's-plan scans take
#      3-6 minutes each);
#   7. the backfill's write floor (bench/write_floor.sh): the ratings, rating
#      changes and feed events the start wrote, inserted again as multi-row
#      INSERTs into empty copies of their tables (dumped after step 3, loaded
#      here so that the copies' writes run beside no measured step);
#   8. stops the server and the database; removes RUN_DIR unless --keep.
#
# Binaries come from DIR (default build-bench in the repository):
#   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release
#   cmake --build build-bench --target envcredit-server envcredit-admin \
#       rating-dataset -j2
#
# RUN_DIR must be under /tmp (the script deletes it at the end). Exit status:
# 0 when every step succeeded, 1 when one failed, 2 for usage errors.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO
# shellcheck source=bench/bench_lib.sh
source "$REPO/bench/bench_lib.sh"  # usage, die, now, since, say, cpu_ticks, cpu_check, claim_run_dir, stop_process
# shellcheck source=bench/write_floor.sh
source "$REPO/bench/write_floor.sh"  # floor_mark, floor_dump, floor_load
BUILD="$REPO/build-bench"
RUN_DIR=/tmp/envcredit-rescore-run
DB_NAME=rescore
ENTERPRISES=1000000
DECISIONS=10000000
BUFFER_POOL=6G
PAGE_SIZES="1000 5000"
SCAN_REPEATS=3
STEP_TIMEOUT=1800
START_TIMEOUT=3600
REUSE=0
KEEP=0
ANCHOR_ONLY=0


while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) BUILD="${2:?}"; shift 2 ;;
    --run-dir) RUN_DIR="${2:?}"; shift 2 ;;
    --db-name) DB_NAME="${2:?}"; shift 2 ;;
    --enterprises) ENTERPRISES="${2:?}"; shift 2 ;;
    --decisions) DECISIONS="${2:?}"; shift 2 ;;
    --buffer-pool) BUFFER_POOL="${2:?}"; shift 2 ;;
    --page-sizes) PAGE_SIZES="${2:?}"; shift 2 ;;
    --scan-repeats) SCAN_REPEATS="${2:?}"; shift 2 ;;
    --anchor-only) ANCHOR_ONLY=1; shift ;;
    --step-timeout) STEP_TIMEOUT="${2:?}"; shift 2 ;;
    --start-timeout) START_TIMEOUT="${2:?}"; shift 2 ;;
    --reuse) REUSE=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage ;;
    *) echo "rescore_bench.sh: unknown argument $1" >&2; usage ;;
  esac
done

readonly SERVER_BIN="$BUILD/server/envcredit-server"
readonly ADMIN_BIN="$BUILD/admin-cli/envcredit-admin"
readonly DATASET_BIN="$BUILD/bench/rating-dataset"
for bin in "$SERVER_BIN" "$ADMIN_BIN" "$DATASET_BIN"; do
  [[ -x "$bin" ]] || die "build $(basename "$bin") into $BUILD first (see --help)"
done
[[ "$DB_NAME" =~ ^[A-Za-z0-9_]{1,64}$ ]] || die "--db-name: letters, digits, _"
for size in $PAGE_SIZES; do
  [[ "$size" == default || "$size" =~ ^[0-9]+$ ]] || die "--page-sizes: numbers or default"
done
[[ "$BUFFER_POOL" == default || "$BUFFER_POOL" =~ ^[0-9]+[MG]$ ]] ||
  die "--buffer-pool: default or a size such as 512M, 4G"
RUN_DIR="$(claim_run_dir "$RUN_DIR" .rescore-bench)"

SERVER_PID=""
DB_STARTED=0
STATUS=1
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  # SIGTERM is only acted on once the server serves (its start-up
  # backfill runs with the signal blocked): SIGKILL after 30 s.
  [[ -z "$SERVER_PID" ]] || stop_process "$SERVER_PID" "envcredit-server (still starting?)"
  if [[ $DB_STARTED == 1 ]]; then
    "$REPO/scripts/db.sh" stop "$RUN_DIR" >/dev/null || true
    if [[ $KEEP == 0 && -f "$RUN_DIR/.rescore-bench" ]]; then
      rm -rf "$RUN_DIR"
      echo "# removed $RUN_DIR"
    else
      echo "# kept $RUN_DIR (data and logs; the database is stopped)"
    fi
  fi
  exit "$STATUS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------ 1. database
say "1. database in $RUN_DIR"
DB_STARTED=1
timeout "$STEP_TIMEOUT" "$REPO/scripts/db.sh" start "$RUN_DIR" --fast
# shellcheck disable=SC1091
source "$RUN_DIR/db/db.env"
export ENVCREDIT_DB_HOST ENVCREDIT_DB_PORT ENVCREDIT_DB_USER ENVCREDIT_DB_PASSWORD
DB_PID="$(cat "$RUN_DIR/db/mariadbd.pid")"
sql() { mariadb --no-defaults --socket="$ENVCREDIT_DB_SOCKET" -uroot -B "$@"; }
if [[ "$BUFFER_POOL" != default ]]; then
  unit=1048576
  [[ "$BUFFER_POOL" == *G ]] && unit=1073741824
  bytes=$(( ${BUFFER_POOL%[MG]} * unit ))
  sql -e "SET GLOBAL innodb_buffer_pool_size = $bytes"
fi
echo "# $(date -u +%FT%TZ) $(nproc) cpus, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')," \
  "MariaDB $(sql -N -e 'SELECT VERSION()'), buffer pool $(sql -N -e 'SELECT @@innodb_buffer_pool_size DIV 1048576') MiB"

# ------------------------------------------------------- 2. schema and data
have=0
if [[ $REUSE == 1 ]]; then
  have="$(sql -N -e "SELECT COUNT(*) FROM \`$DB_NAME\`.enterprises" 2>/dev/null || echo 0)"
fi
if [[ $REUSE == 1 && "$have" == "$ENTERPRISES" ]]; then
  say "2. reusing $DB_NAME: $have enterprises, $(sql -N -e "SELECT COUNT(*) FROM \`$DB_NAME\`.penalty_decisions") decisions"
else
  say "2. schema and data: $ENTERPRISES enterprises, $DECISIONS decisions into $DB_NAME"
  sql -e "DROP DATABASE IF EXISTS \`$DB_NAME\`"
  timeout "$STEP_TIMEOUT" "$SERVER_BIN" --migrate_only --db_create --db_name="$DB_NAME" \
    --policy_dir="$REPO/policies" 2>&1 | tail -n 1
  t0=$(now)
  timeout "$STEP_TIMEOUT" "$DATASET_BIN" --db_env_file "$RUN_DIR/db/db.env" \
    --db_name "$DB_NAME" --enterprises "$ENTERPRISES" --decisions "$DECISIONS" \
    --codes_file "$RUN_DIR/codes.txt"
  say "data loaded in $(since "$t0") s"
fi
sql -e "SELECT table_name, table_rows AS approx_rows,
          ROUND(data_length / 1048576) AS data_mib, ROUND(index_length / 1048576) AS index_mib
        FROM information_schema.tables WHERE table_schema = '$DB_NAME'
          AND table_name IN ('enterprises', 'penalty_decisions', 'ratings', 'rating_changes')"

# --------------------------------------------------- 3. server and backfill
say "3. envcredit-server (its start rates every enterprise without a rating)"
SOCKET="$ENVCREDIT_DB_SOCKET" DB="$DB_NAME" WORK="$RUN_DIR"  # for write_floor.sh
floor_mark
rm -f "$RUN_DIR/server.port"
cpu_before_db=$(cpu_ticks "$DB_PID")
t0=$(now)
"$SERVER_BIN" --listen=127.0.0.1:0 --port_file="$RUN_DIR/server.port" \
  --db_name="$DB_NAME" --policy_dir="$REPO/policies" \
  --admin_token_file="$RUN_DIR/admin.token" \
  --rate_limit_per_second=10000000 --rate_limit_burst=10000000 \
  2>"$RUN_DIR/server.log" &
SERVER_PID=$!
deadline=$(( $(date +%s) + START_TIMEOUT ))
next_note=$(( $(date +%s) + 30 ))
until [[ -s "$RUN_DIR/server.port" ]]; do
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$RUN_DIR/server.log" >&2; echo "server exited" >&2; exit 1; }
  (( $(date +%s) < deadline )) || { echo "server not serving after $START_TIMEOUT s" >&2; exit 1; }
  if (( $(date +%s) >= next_note )); then
    next_note=$(( $(date +%s) + 30 ))
    say "  starting for $(since "$t0") s; ratings so far: $(sql -N -e "SELECT COUNT(*) FROM \`$DB_NAME\`.ratings")"
  fi
  sleep 0.2
done
start_s=$(since "$t0")
PORT="$(cat "$RUN_DIR/server.port")"
grep -E "rated [0-9]+ enterprises|ratings in memory|listening" "$RUN_DIR/server.log" || true
log_time() {  # the time of the first log line matching $1, in seconds
  local stamp
  stamp="$(grep -m1 -E "$1" "$RUN_DIR/server.log" | cut -d' ' -f1)"
  [[ -n "$stamp" ]] && date -d "$stamp" +%s.%N 2>/dev/null
}
backfill_s=""
if rated_at=$(log_time "rated [0-9]+ enterprises") && opened_at=$(log_time "at schema version"); then
  backfill_s=$(awk -v a="$opened_at" -v b="$rated_at" 'BEGIN { printf "%.1f", b - a }')
  say "backfill (schema checked -> \"rated N enterprises\"): $backfill_s s"
fi
say "server serving on 127.0.0.1:$PORT after $start_s s; server CPU $(awk -v t="$(cpu_ticks "$SERVER_PID")" -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", t / hz }') s," \
  "mariadbd CPU $(awk -v t="$(( $(cpu_ticks "$DB_PID") - cpu_before_db ))" -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", t / hz }') s meanwhile"

say "rows the start wrote (dumped for step 7):"
floor_dump

# The server loads its records cache after it serves (doc/ratings.md
# "Records cache"; about 8 s of both cores for 1M decisions): wait for it, so
# the rescore is not measured against that load.
t0=$(now)
for _ in $(seq 3000); do
  grep -q "records cache:" "$RUN_DIR/server.log" && break
  sleep 0.1
done
say "records cache loaded $(since "$t0") s after serving: $(grep -m1 -o 'records cache:.*' "$RUN_DIR/server.log" || echo '(no line)')"

# ------------------------------------------------------------- 4. rescore
STATUS_VARS="'Com_select','Com_insert','Com_update','Com_commit','Innodb_rows_read','Innodb_rows_inserted','Innodb_rows_updated','Handler_read_key','Handler_read_next','Innodb_buffer_pool_reads','Innodb_buffer_pool_read_requests'"
status_snapshot() {
  sql -N -e "SELECT variable_name, variable_value FROM information_schema.global_status
             WHERE variable_name IN ($(tr '[:lower:]' '[:upper:]' <<<"$STATUS_VARS")) ORDER BY variable_name"
}
RESULTS=()
# SHOW EXPLAIN FOR the connection running LoadScoringRecords' decisions query.
live_explain() {
  local id _
  sleep 3
  for _ in $(seq 200); do
    id="$(sql -N -e "SELECT id FROM information_schema.processlist WHERE info LIKE
      'SELECT d.enterprise_id, COUNT(*), GROUP_CONCAT%' LIMIT 1" 2>/dev/null)"
    if [[ -n "$id" ]] && sql -e "SHOW EXPLAIN FOR $id" 2>/dev/null; then return; fi
    sleep 0.02
  done
  echo "(no plan caught)"
}
first_run=1
for size in $PAGE_SIZES; do
  cpu_check "rescore --page-size $size"
  say "4. envcredit-admin ratings rescore --all --page-size $size"
  before="$(status_snapshot)"
  s0=$(cpu_ticks "$SERVER_PID"); d0=$(cpu_ticks "$DB_PID")
  t0=$(now)
  rc=0
  explain_pid=""
  if [[ $first_run == 1 ]]; then
    live_explain >"$RUN_DIR/explain-live.txt" 2>&1 &
    explain_pid=$!
  fi
  size_flag=(--page-size "$size")
  [[ "$size" == default ]] && size_flag=()
  timeout "$STEP_TIMEOUT" "$ADMIN_BIN" --server "127.0.0.1:$PORT" \
    --token-file "$RUN_DIR/admin.token" --timeout 600 --output json \
    ratings rescore --all "${size_flag[@]}" || rc=$?
  secs=$(since "$t0")
  s1=$(cpu_ticks "$SERVER_PID"); d1=$(cpu_ticks "$DB_PID")
  after="$(status_snapshot)"
  [[ $rc == 0 ]] || { echo "rescore failed (exit $rc)" >&2; exit 1; }
  cpu="server CPU $(awk -v t=$((s1 - s0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", t / hz }') s, mariadbd CPU $(awk -v t=$((d1 - d0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.1f", t / hz }') s"
  say "rescore --page-size $size: $secs s wall, $cpu"
  echo "# MariaDB counters during the run (delta):"
  join <(echo "$before") <(echo "$after") |
    awk -v n="$ENTERPRISES" '{ printf "#   %-34s %12d  (%.2f per enterprise)\n", $1, $3 - $2, ($3 - $2) / n }'
  RESULTS+=("rescore --all --page-size $size|$secs s|$cpu")
  if [[ -n "$explain_pid" ]]; then
    wait "$explain_pid" || true
    echo "# SHOW EXPLAIN FOR the server's connection during LoadScoringRecords (decisions):"
    sed 's/^/#   /' "$RUN_DIR/explain-live.txt"
  fi
  first_run=0
done

# ------------------------------------------ 5. the statements of one page
say "5. EXPLAIN and SHOW PROFILES of one rescore page (1,000 ids mid-table)"
mid=$(( ENTERPRISES / 2 ))
IDS="$(seq -s, $((mid + 1)) $((mid + 1000)))"
PAGE_SQL=(
  "SELECT id FROM enterprises WHERE id > $mid ORDER BY id LIMIT 1000"
  "SELECT e.id, e.credit_code, e.region_code, r.enterprise_id, r.level FROM enterprises e LEFT JOIN ratings r ON r.enterprise_id = e.id WHERE e.id IN ($IDS) ORDER BY e.id"
  "SELECT d.enterprise_id, COUNT(*), GROUP_CONCAT(CONCAT_WS(',', TO_DAYS(d.decision_date), d.violation_type, d.measure_bits, d.tampering, d.state) ORDER BY d.id SEPARATOR ';') FROM penalty_decisions d WHERE d.enterprise_id BETWEEN $((mid + 1)) AND $((mid + 500)) GROUP BY d.enterprise_id"
  "SELECT enterprise_id, decision_number, authority, violation_type, decision_date, measure_bits, tampering, state FROM penalty_decisions WHERE enterprise_id IN ($IDS) ORDER BY enterprise_id, id"
  "SELECT enterprise_id, id, kind, signing_date, is_public FROM commitments WHERE enterprise_id IN ($IDS) ORDER BY enterprise_id, id"
  "SELECT c.enterprise_id, c.id, i.item_number, i.check_date FROM commitment_items i JOIN commitments c ON c.id = i.commitment_id WHERE c.enterprise_id IN ($IDS) AND i.state = 3 AND i.check_date IS NOT NULL ORDER BY c.enterprise_id, c.id, i.item_number"
  "SELECT enterprise_id, id, incident_date, grade FROM incidents WHERE enterprise_id IN ($IDS) ORDER BY enterprise_id, id"
)
{
  for q in "${PAGE_SQL[@]}"; do echo "EXPLAIN $q;"; done
} | sql "$DB_NAME" | sed 's/^/#   /'
{
  echo "SET profiling = 1; SET profiling_history_size = 100;"
  for q in "${PAGE_SQL[@]}" "${PAGE_SQL[@]}"; do echo "$q;"; done
  # Probes: the decisions of the page from the index alone, twice; then the
  # same number of rows as one primary-key range, twice.
  for _ in 1 2; do
    echo "SELECT enterprise_id, decision_date FROM penalty_decisions WHERE enterprise_id IN ($IDS) ORDER BY enterprise_id, decision_date;"
  done
  for _ in 1 2; do
    echo "SELECT enterprise_id, decision_number, authority, violation_type, decision_date, measure_bits, tampering, state FROM penalty_decisions WHERE id > $(( DECISIONS / 2 )) ORDER BY id LIMIT $(( DECISIONS * 1000 / ENTERPRISES ));"
  done
  echo "SHOW PROFILES;"
} | sql "$DB_NAME" | awk -F'\t' '$1 ~ /^[0-9]+$/ && $2 ~ /^[0-9.]+$/ { printf "#   %2d %8.2f ms  %.90s\n", $1, $2 * 1000, $3 }'

# ---------------------------------------------------------------- 6. scan
SCAN="SELECT enterprise_id, SUM(fine_amount_fen) FROM penalty_decisions"
GROUP="GROUP BY enterprise_id"
# Every secondary index that starts with enterprise_id (their names differ
# between schema versions: 0008 replaced two of them by one).
HINT="IGNORE INDEX ($(sql -N -e "SELECT GROUP_CONCAT(DISTINCT index_name) FROM
  information_schema.statistics WHERE table_schema = '$DB_NAME' AND table_name =
  'penalty_decisions' AND column_name = 'enterprise_id' AND seq_in_index = 1"))"
scan() {  # label, SQL[, session settings]
  local i t0 rows
  echo "# EXPLAIN ($1):"
  sql "$DB_NAME" -e "EXPLAIN $2" | sed 's/^/#   /'
  for i in $(seq "$SCAN_REPEATS"); do
    t0=$(now)
    rows=$(timeout "$STEP_TIMEOUT" mariadb --no-defaults --socket="$ENVCREDIT_DB_SOCKET" -uroot -B -N \
      "$DB_NAME" -e "${3:-}$2" | wc -l)
    secs=$(since "$t0")
    say "scan $1 #$i: $secs s ($rows groups)"
    RESULTS+=("scan $1 #$i|$secs s|")
  done
}
cpu_check scan
say "6. scans of penalty_decisions"
echo "# command: mariadb --no-defaults --socket=$ENVCREDIT_DB_SOCKET -uroot -B -N $DB_NAME -e \"$SCAN $HINT $GROUP\" | wc -l"
(( ANCHOR_ONLY )) || scan "full (IGNORE INDEX)" "$SCAN $HINT $GROUP"
scan "full, 2 GB in-memory tmp tables" "$SCAN $HINT $GROUP" \
  "SET SESSION max_heap_table_size = 2147483648, tmp_table_size = 2147483648; "
if (( ! ANCHOR_ONLY )); then
  scan "full, no grouping (COUNT, SUM)" "SELECT COUNT(*), SUM(fine_amount_fen) FROM penalty_decisions $HINT"
  scan "optimiser's plan" "$SCAN $GROUP"
  t0=$(now)
  sql "$DB_NAME" -e "ALTER TABLE penalty_decisions ADD INDEX ix_bench_cover (enterprise_id, fine_amount_fen)"
  say "covering index (enterprise_id, fine_amount_fen) built in $(since "$t0") s (for this measurement only)"
  scan "covering index" "$SCAN FORCE INDEX (ix_bench_cover) $GROUP"
  sql "$DB_NAME" -e "ALTER TABLE penalty_decisions DROP INDEX ix_bench_cover"
fi

# ---------------------------------------------------- 7. the backfill's floor
say "7. the backfill's write floor"
floor_load "the server's start"

echo
echo "# Summary ($ENTERPRISES enterprises, $DECISIONS decisions, server start with backfill $start_s s)"
for r in "${RESULTS[@]}"; do
  IFS='|' read -r what secs cpu <<<"$r"
  printf '%-44s %10s  %s\n' "$what" "$secs" "$cpu"
done
# The figures of issue 15 against their anchor of this run: each rescore and
# the backfill ÷ the fastest full GROUP BY scan of the run (either tmp
# table size: at 100,000 groups the default one stays in memory too).
printf '%s\n' "${RESULTS[@]}" | awk -F'|' -v start="$start_s" -v backfill="$backfill_s" -v floor="$FLOOR_SECONDS" '
  /^scan full \(IGNORE INDEX\)|^scan full, 2 GB in-memory/ { s = $2 + 0; if (anchor == 0 || s < anchor) anchor = s }
  /^rescore/ { n++; what[n] = $1; secs[n] = $2 + 0 }
  END {
    if (anchor == 0) exit
    printf "# anchor (full GROUP BY scan, fastest of the run): %.2f s\n", anchor
    for (i = 1; i <= n; i++) printf "# %s: %.2f s = %.1f x the anchor\n", what[i], secs[i], secs[i] / anchor
    printf "# server start (backfill included): %s s = %.1f x the anchor\n", start, start / anchor
    if (backfill != "" && floor > 0)
      printf "# backfill %s s against its write floor %.2f s: floor / backfill = %.2f\n", backfill, floor, floor / backfill
  }'
STATUS=0
