#!/usr/bin/env bash
# Both import figures of issue 15 from nothing (doc/benchmarks.md "Where
# issue 15 stands"): the CSVs of import_bench (--generate_only), then per run
# a fresh private MariaDB (scripts/db.sh --fast, its buffer pool set with SET
# GLOBAL) and envcredit-server from DIR, bench/enterprise_import_bench.sh and
# bench/decision_import_bench.sh against them (each prints its rates, its
# one-table anchor and its write floor), and both stopped again. The two
# import scripts start nothing themselves; this is what runs them the way
# the figures in doc/benchmarks.md were taken.
#
#   bench/import_runs.sh [--build build-bench] [--runs 2]
#       [--run-dir /tmp/import-runs] [--enterprises 20000] [--decisions 200000]
#       [--buffer-pool 1G]
#
# Binaries come from DIR (default build-bench in the repository):
#   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release
#   cmake --build build-bench --target envcredit-server envcredit-admin \
#       import_bench -j2
#
# RUN_DIR must be under /tmp (deleted at the end). Exit status: 0 when every
# step succeeded, 1 when one failed, 2 for usage errors.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO
BUILD="$REPO/build-bench"
RUNS=2
RUN_DIR=/tmp/import-runs
ENTERPRISES=20000
DECISIONS=200000
BUFFER_POOL=1G
# shellcheck source=bench/bench_lib.sh
source "$REPO/bench/bench_lib.sh"  # usage, die, say, claim_run_dir, stop_process
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build) BUILD="${2:?}"; shift 2 ;;
    --runs) RUNS="${2:?}"; shift 2 ;;
    --run-dir) RUN_DIR="${2:?}"; shift 2 ;;
    --enterprises) ENTERPRISES="${2:?}"; shift 2 ;;
    --decisions) DECISIONS="${2:?}"; shift 2 ;;
    --buffer-pool) BUFFER_POOL="${2:?}"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "import_runs.sh: unknown argument $1" >&2; usage ;;
  esac
done
[[ "$RUNS" =~ ^[1-9][0-9]?$ ]] || die "--runs: 1 to 99"
[[ "$ENTERPRISES" =~ ^[1-9][0-9]*$ && "$DECISIONS" =~ ^[1-9][0-9]*$ ]] ||
  die "--enterprises, --decisions: positive numbers"
[[ "$BUFFER_POOL" =~ ^[0-9]+[MG]$ ]] || die "--buffer-pool: a size such as 512M, 1G"
readonly SERVER_BIN="$BUILD/server/envcredit-server"
readonly ADMIN_BIN="$BUILD/admin-cli/envcredit-admin"
readonly DATA_BIN="$BUILD/bench/import_bench"
for bin in "$SERVER_BIN" "$ADMIN_BIN" "$DATA_BIN"; do
  [[ -x "$bin" ]] || die "$bin is missing: build it first (see --help)"
done
RUN_DIR="$(claim_run_dir "$RUN_DIR" .import-runs)"

SERVER_PID=""
DB_DIR=""
STATUS=1
# shellcheck disable=SC2317  # called from the EXIT trap and after each run
stop_run() {
  if [[ -n "$SERVER_PID" ]]; then stop_process "$SERVER_PID" envcredit-server; fi
  SERVER_PID=""
  if [[ -n "$DB_DIR" ]]; then "$REPO/scripts/db.sh" stop "$DB_DIR" >/dev/null || true; fi
  DB_DIR=""
}
# shellcheck disable=SC2317  # called from the EXIT trap
cleanup() {
  stop_run
  rm -rf "$RUN_DIR"
  exit "$STATUS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "CSVs: $ENTERPRISES enterprises, $DECISIONS decisions"
"$DATA_BIN" --generate_only --dir "$RUN_DIR/data" --enterprises "$ENTERPRISES" \
  --decisions "$DECISIONS" | tail -n 1
readonly ENTERPRISES_CSV="$RUN_DIR/data/enterprises-$ENTERPRISES.csv"
readonly DECISIONS_CSV="$RUN_DIR/data/decisions-$DECISIONS-$ENTERPRISES.csv"
[[ -s "$ENTERPRISES_CSV" && -s "$DECISIONS_CSV" ]] || { echo "import_bench wrote no CSVs" >&2; exit 1; }

unit=1048576
[[ "$BUFFER_POOL" == *G ]] && unit=1073741824
for run in $(seq "$RUNS"); do
  DB_DIR="$RUN_DIR/run-$run"
  say "run $run of $RUNS: a fresh database and server in $DB_DIR"
  mkdir -p "$DB_DIR"
  "$REPO/scripts/db.sh" start "$DB_DIR" --fast >/dev/null
  # shellcheck disable=SC1091
  source "$DB_DIR/db/db.env"
  export ENVCREDIT_DB_HOST ENVCREDIT_DB_PORT ENVCREDIT_DB_USER ENVCREDIT_DB_PASSWORD
  mariadb --no-defaults --socket="$ENVCREDIT_DB_SOCKET" -uroot -e \
    "SET GLOBAL innodb_buffer_pool_size = $(( ${BUFFER_POOL%[MG]} * unit ))"
  # Bounds as in doc/benchmarks.md "Bulk paths against their anchors": a
  # shared machine's pauses must not mark the database unreachable.
  "$SERVER_BIN" --listen=127.0.0.1:0 --port_file="$DB_DIR/server.port" \
    --db_name=bench --db_create --policy_dir="$REPO/policies" \
    --admin_token_file="$DB_DIR/admin.token" --db_read_timeout_s=60 \
    --db_lock_wait_timeout_s=30 >"$DB_DIR/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 600); do  # the port file appears once the server serves
    [[ -s "$DB_DIR/server.port" ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 5 "$DB_DIR/server.log" >&2; exit 1; }
    sleep 0.1
  done
  [[ -s "$DB_DIR/server.port" ]] || { echo "server not serving after 60 s" >&2; exit 1; }
  common=(--server "127.0.0.1:$(cat "$DB_DIR/server.port")" --token-file "$DB_DIR/admin.token"
          --socket "$ENVCREDIT_DB_SOCKET" --db bench --admin "$ADMIN_BIN")
  echo "# $(date -u +%FT%TZ) load average $(cut -d' ' -f1-3 /proc/loadavg)," \
    "commit $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?'), build $BUILD"
  "$REPO/bench/enterprise_import_bench.sh" "${common[@]}" --csv "$ENTERPRISES_CSV"
  "$REPO/bench/decision_import_bench.sh" "${common[@]}" --csv "$DECISIONS_CSV"
  stop_run
done
STATUS=0
