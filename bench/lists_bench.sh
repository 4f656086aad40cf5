#!/usr/bin/env bash
# The lists benchmark (issue 15, the last figure; doc/benchmarks.md "Lists"):
# how long propose + notice + publish + export take for both lists of a large
# registry, folders verified, next to an anchor measured in the same run on
# the same database.
#
#   bench/lists_bench.sh [--build DIR] [--run-dir /tmp/lists-bench]
#       [--db-port 15310] [--db-name lists] [--enterprises 1000000]
#       [--decisions 3000000] [--buffer-pool 4G|default] [--reuse] [--keep]
#
# Steps, each printed as it goes:
#   1. a private MariaDB in RUN_DIR (scripts/db.sh start RUN_DIR --fast, on
#      127.0.0.1:--db-port), its buffer pool set with SET GLOBAL;
#   2. the schema and the data (bench/rating-dataset; skipped with --reuse
#      when the database already holds that many enterprises);
#   3. envcredit-server, its date from RUN_DIR/today (--today_file), whose
#      start rates every enterprise (not timed here: rescore_bench.sh's);
#      the figure starts once its records cache is filled (not timed);
#   4. THE FIGURE, for the black list then the honour list, each step timed
#      on its own through envcredit-admin: `lists propose`, `lists notice`,
#      (the date stepped past the notice period: not timed) `lists publish`,
#      `lists export` into RUN_DIR/public, then `lists verify` of the folder
#      (timed apart, not in the figure). Prints entries, seconds per step,
#      the size of index.html and of the folder;
#   5. THE ANCHOR, on the same database right after: what propose cannot do
#      without — one read of every penalty decision grouped by enterprise
#      (SELECT enterprise_id, COUNT(*), MIN(decision_date), MAX(..) …
#      GROUP BY enterprise_id, 2 GB in-memory temporary tables) — plus a raw
#      copy of the published rows (INSERT … SELECT of both lists' entries
#      into a copy of publication_entries, and of the black list's notices
#      into a copy of publication_notices): the figure ÷ that anchor is the
#      ratio doc/benchmarks.md records;
#   6. stops the server and the database; removes RUN_DIR unless --keep.
#
# Binaries come from DIR (default build-bench in the repository):
#   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release
#   cmake --build build-bench --target envcredit-server envcredit-admin \
#       rating-dataset -j2
#
# RUN_DIR must be under /tmp (deleted at the end). Exit status: 0 when every
# step succeeded, 1 when one failed, 2 for usage errors.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO
BUILD="$REPO/build-bench"
RUN_DIR=/tmp/lists-bench
DB_PORT=15310
DB_NAME=lists
ENTERPRISES=1000000
DECISIONS=3000000
BUFFER_POOL=4G
REUSE=0
KEEP=0

# shellcheck source=bench/bench_lib.sh
source "$REPO/bench/bench_lib.sh"  # usage, die, now, since, say, cpu_ticks, claim_run_dir, stop_process

while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) BUILD="${2:?}"; shift 2 ;;
    --run-dir) RUN_DIR="${2:?}"; shift 2 ;;
    --db-port) DB_PORT="${2:?}"; shift 2 ;;
    --db-name) DB_NAME="${2:?}"; shift 2 ;;
    --enterprises) ENTERPRISES="${2:?}"; shift 2 ;;
    --decisions) DECISIONS="${2:?}"; shift 2 ;;
    --buffer-pool) BUFFER_POOL="${2:?}"; shift 2 ;;
    --reuse) REUSE=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage ;;
    *) echo "lists_bench.sh: unknown argument $1" >&2; usage ;;
  esac
done

readonly SERVER_BIN="$BUILD/server/envcredit-server"
readonly ADMIN_BIN="$BUILD/admin-cli/envcredit-admin"
readonly DATASET_BIN="$BUILD/bench/rating-dataset"
for bin in "$SERVER_BIN" "$ADMIN_BIN"; do
  [[ -x "$bin" ]] || die "build $(basename "$bin") into $BUILD first (see --help)"
done
[[ "$DB_NAME" =~ ^[A-Za-z0-9_]{1,64}$ ]] || die "--db-name: letters, digits, _"
[[ "$DB_PORT" =~ ^[0-9]{4,5}$ ]] || die "--db-port: a TCP port"
[[ "$BUFFER_POOL" == default || "$BUFFER_POOL" =~ ^[0-9]+[MG]$ ]] ||
  die "--buffer-pool: default or a size such as 512M, 4G"
RUN_DIR="$(claim_run_dir "$RUN_DIR" .lists-bench)"

SERVER_PID=""
DB_STARTED=0
STATUS=1
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then stop_process "$SERVER_PID" envcredit-server; fi
  if [[ $DB_STARTED == 1 ]]; then
    "$REPO/scripts/db.sh" stop "$RUN_DIR" >/dev/null || true
    if [[ $KEEP == 0 ]]; then rm -rf "$RUN_DIR"; echo "# removed $RUN_DIR"; fi
  fi
  exit "$STATUS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------ 1. database
say "1. database in $RUN_DIR on 127.0.0.1:$DB_PORT"
if [[ ! -d "$RUN_DIR/db" ]]; then  # db.sh takes the port it finds recorded
  mkdir -p "$RUN_DIR/db"
  : >"$RUN_DIR/db/.envcredit-db"
  echo "$DB_PORT" >"$RUN_DIR/db/port"
fi
DB_STARTED=1
"$REPO/scripts/db.sh" start "$RUN_DIR" --fast >/dev/null
# shellcheck disable=SC1091
source "$RUN_DIR/db/db.env"
export ENVCREDIT_DB_HOST ENVCREDIT_DB_PORT ENVCREDIT_DB_USER ENVCREDIT_DB_PASSWORD
sql() { mariadb --no-defaults --socket="$ENVCREDIT_DB_SOCKET" -uroot -B "$@"; }
if [[ "$BUFFER_POOL" != default ]]; then
  unit=1048576
  [[ "$BUFFER_POOL" == *G ]] && unit=1073741824
  sql -e "SET GLOBAL innodb_buffer_pool_size = $(( ${BUFFER_POOL%[MG]} * unit ))"
fi
echo "# $(date -u +%FT%TZ) $(nproc) cpus, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
  "commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'), port $ENVCREDIT_DB_PORT," \
  "MariaDB $(sql -N -e 'SELECT VERSION()'), buffer pool $(sql -N -e 'SELECT @@innodb_buffer_pool_size DIV 1048576') MiB"

# ------------------------------------------------------- 2. schema and data
have=0
if [[ $REUSE == 1 ]]; then
  have="$(sql -N -e "SELECT COUNT(*) FROM \`$DB_NAME\`.enterprises" 2>/dev/null || echo 0)"
fi
if [[ $REUSE == 1 && "$have" == "$ENTERPRISES" ]]; then
  say "2. reusing $DB_NAME ($have enterprises); earlier publications are kept"
else
  [[ -x "$DATASET_BIN" ]] || die "build rating-dataset into $BUILD first (see --help)"
  say "2. schema and data: $ENTERPRISES enterprises, $DECISIONS decisions"
  sql -e "DROP DATABASE IF EXISTS \`$DB_NAME\`"
  "$SERVER_BIN" --migrate_only --db_create --db_name="$DB_NAME" \
    --policy_dir="$REPO/policies" 2>&1 | tail -n 1
  t0=$(now)
  "$DATASET_BIN" --db_env_file "$RUN_DIR/db/db.env" --db_name "$DB_NAME" \
    --enterprises "$ENTERPRISES" --decisions "$DECISIONS" --codes_file "$RUN_DIR/codes.txt"
  say "data loaded in $(since "$t0") s"
fi

# --------------------------------------------------------------- 3. server
TODAY_FILE="$RUN_DIR/today"
[[ -f "$TODAY_FILE" ]] || TZ=Asia/Shanghai date +%F >"$TODAY_FILE"
say "3. envcredit-server (today $(cat "$TODAY_FILE"); its start rates the unrated)"
rm -f "$RUN_DIR/server.port"
t0=$(now)
"$SERVER_BIN" --listen=127.0.0.1:0 --port_file="$RUN_DIR/server.port" \
  --db_name="$DB_NAME" --policy_dir="$REPO/policies" --today_file="$TODAY_FILE" \
  --admin_token_file="$RUN_DIR/admin.token" --metrics_listen= \
  --rate_limit_per_second=10000000 --rate_limit_burst=10000000 \
  2>"$RUN_DIR/server.log" &
SERVER_PID=$!
until [[ -s "$RUN_DIR/server.port" ]]; do
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$RUN_DIR/server.log" >&2; echo "server exited" >&2; exit 1; }
  sleep 0.2
done
say "serving after $(since "$t0") s"
# The server fills its records cache in the background after it serves (a
# minute and more at 1M enterprises: server/main.cc): wait for it, so the
# figure measures the lists and not the fill running beside them (before
# 2026-12-05 the fill overlapped the first steps; doc/benchmarks.md).
until grep -q "records cache:" "$RUN_DIR/server.log"; do
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$RUN_DIR/server.log" >&2; echo "server exited" >&2; exit 1; }
  [[ $(since "$t0" | cut -d. -f1) -lt 900 ]] || { echo "# no records-cache line after 900 s; going on" >&2; break; }
  sleep 0.5
done
say "records cache filled after $(since "$t0") s: $(grep -o 'records cache: .*' "$RUN_DIR/server.log" | head -n 1)"
admin() {
  "$ADMIN_BIN" --server "127.0.0.1:$(cat "$RUN_DIR/server.port")" \
    --token-file "$RUN_DIR/admin.token" --timeout 600 "$@"
}
if [[ ! -f "$RUN_DIR/keys/envcredit.key.pem" ]]; then
  admin keys generate --out-dir "$RUN_DIR/keys" >/dev/null 2>&1
fi

# --------------------------------------------------------------- 4. figure
FIGURE=0
CPU_TOTAL=0
LINE=""
MARIADB_PID=$(tr -dc '0-9' <"$RUN_DIR/db/mariadbd.pid")
# CPU ticks this shell's waited-for children (the CLI runs) used so far:
# cutime + cstime, fields 14 and 15 after "(comm) ".
children_ticks() {
  local stat
  stat="$(cat /proc/$$/stat)"
  awk '{ print $14 + $15 }' <<<"${stat##*) }"
}
# step NAME COMMAND...: runs it, adds its seconds to FIGURE and LINE, and the
# CPU seconds the server, mariadbd and the CLI spent on it to CPU_TOTAL: on a
# shared machine the wall time moves with the load, the CPU much less.
step() {
  local name=$1 t s0 m0 c0 cpu
  shift
  s0=$(cpu_ticks "$SERVER_PID"); m0=$(cpu_ticks "$MARIADB_PID"); c0=$(children_ticks)
  t=$(now)
  "$@" >"$RUN_DIR/step.out" 2>"$RUN_DIR/step.err" || {
    echo "$name failed:" >&2; cat "$RUN_DIR/step.err" >&2; exit 1; }
  t=$(since "$t")
  cpu=$(awk -v hz="$CLK_TCK" -v s="$(( $(cpu_ticks "$SERVER_PID") - s0 ))" \
          -v m="$(( $(cpu_ticks "$MARIADB_PID") - m0 ))" -v c="$(( $(children_ticks) - c0 ))" \
          'BEGIN { printf "%.2f (server %.2f, mariadbd %.2f, cli %.2f)", (s + m + c) / hz, s / hz, m / hz, c / hz }')
  FIGURE=$(awk -v a="$FIGURE" -v b="$t" 'BEGIN { printf "%.2f", a + b }')
  CPU_TOTAL=$(awk -v a="$CPU_TOTAL" -v b="${cpu%% *}" 'BEGIN { printf "%.2f", a + b }')
  LINE+="$name $t s [CPU $cpu s], "
}
declare -A LINES
for list in black honor; do
  say "4. $list list: propose, notice"
  LINE=""
  step propose admin lists propose "$list"
  step notice admin lists notice "$list"
  LINES[$list]="$LINE"
done
# The notice lasts 15 days: step past it (not timed).
TZ=Asia/Shanghai date -d "$(cat "$TODAY_FILE") + 16 days" +%F >"$TODAY_FILE.tmp"
mv "$TODAY_FILE.tmp" "$TODAY_FILE"
for list in black honor; do
  say "4. $list list: publish, export, verify"
  LINE="${LINES[$list]}"
  step publish admin lists publish "$list"
  step export admin lists export "$list" --out "$RUN_DIR/public" \
    --key "$RUN_DIR/keys/envcredit.key.pem" --issuer "$REPO/demo/issuer.conf"
  number=$(ls "$RUN_DIR/public/$list" | sort -n | tail -n 1)
  folder="$RUN_DIR/public/$list/$number"
  t=$(now)
  admin lists verify "$folder" --public-key "$RUN_DIR/keys/envcredit.pub.pem" >/dev/null 2>&1 ||
    { echo "verify of $folder failed" >&2; exit 1; }
  echo "  $list $number: $(grep -c . "$folder/publication.txt") content lines; ${LINE}verify $(since "$t") s" \
    "(not counted); index.html $(stat -c %s "$folder/index.html") bytes, folder" \
    "$(du -sb "$folder" | cut -f1) bytes in $(ls "$folder" | wc -l) files"
done
sql "$DB_NAME" -e "SELECT list_kind, number, entry_count, removed_count FROM publications
  WHERE id IN (SELECT MAX(id) FROM publications WHERE number IS NOT NULL GROUP BY list_kind)"
say "FIGURE: propose + notice + publish + export of both lists: $FIGURE s (folders verified); CPU $CPU_TOTAL s (server + mariadbd + CLI; load $(cut -d' ' -f1-3 /proc/loadavg))"

# --------------------------------------------------------------- 5. anchor
sql "$DB_NAME" -e "DROP TABLE IF EXISTS bench_entries_copy; CREATE TABLE bench_entries_copy LIKE publication_entries"
t=$(now)
sql "$DB_NAME" -N -e "SET SESSION tmp_table_size = 2147483648, max_heap_table_size = 2147483648;
  SELECT COUNT(*) FROM (SELECT enterprise_id, COUNT(*), MIN(decision_date), MAX(decision_date)
  FROM penalty_decisions GROUP BY enterprise_id) g" >/dev/null
scan=$(since "$t")
t=$(now)
sql "$DB_NAME" -e "INSERT INTO bench_entries_copy SELECT e.* FROM publication_entries e
  JOIN publications p ON p.id = e.publication_id
  WHERE p.number IS NOT NULL AND p.id IN (SELECT MAX(id) FROM publications WHERE number IS NOT NULL GROUP BY list_kind)"
copy=$(since "$t")
# Since schema version 14 a black-list entry's notice is a row of
# publication_notices: the copy includes those rows too, so the anchor still
# writes the bytes a publication writes.
if [[ -n $(sql "$DB_NAME" -N -e "SHOW TABLES LIKE 'publication_notices'") ]]; then
  sql "$DB_NAME" -e "DROP TABLE IF EXISTS bench_notices_copy; CREATE TABLE bench_notices_copy LIKE publication_notices"
  t=$(now)
  sql "$DB_NAME" -e "INSERT INTO bench_notices_copy SELECT n.* FROM publication_notices n
    WHERE n.publication_id IN (SELECT MAX(id) FROM publications WHERE number IS NOT NULL GROUP BY list_kind)"
  copy=$(awk -v a="$copy" -v b="$(since "$t")" 'BEGIN { printf "%.2f", a + b }')
  sql "$DB_NAME" -e "DROP TABLE bench_notices_copy"
fi
sql "$DB_NAME" -e "DROP TABLE bench_entries_copy"
anchor=$(awk -v a="$scan" -v b="$copy" 'BEGIN { printf "%.2f", a + b }')
say "ANCHOR: GROUP BY scan of penalty_decisions $scan s + INSERT...SELECT copy of the published entries (and notices) $copy s = $anchor s"
say "RATIO: figure / anchor = $(awk -v a="$FIGURE" -v b="$anchor" 'BEGIN { printf "%.1f", a / b }')"
STATUS=0
