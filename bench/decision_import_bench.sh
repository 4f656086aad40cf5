#!/usr/bin/env bash
# The decision-import figures of issue 15 (doc/benchmarks.md "Decisions
# import against its anchor"): in one run, against a server that is already
# running and whose enterprises are imported,
#   1. the anchor: the CSV's rows as multi-row INSERTs of 1,000 rows, sent by
#      the mariadb client into a fresh copy of penalty_decisions (the same
#      columns, indexes and foreign key; CREATE TABLE … LIKE, then the key);
#   2. `envcredit-admin import decisions` of the CSV (default flags);
#   3. the same import again (every row already_existed: the re-import).
# Last it measures the import's write floor (bench/write_floor.sh: every row
# step 2 left, in every table it wrote, inserted again as multi-row INSERTs
# into empty copies).
# Prints each rate, the import ÷ anchor and import ÷ floor ratios, the load average and the CPU
# seconds each step took in mariadbd, the server (found by its port) and the
# client (mariadb or envcredit-admin): under a shared machine's load the
# CPU is the steadier figure. It starts nothing itself.
#
#   bench/decision_import_bench.sh --server 127.0.0.1:PORT --token-file F \
#       --socket DIR/db/mysqld.sock --db DB --csv decisions-200000-20000.csv \
#       [--admin build/admin-cli/envcredit-admin]
#
# DB is the server's database (--db_name); the CSV is import_bench's
# (bench/import_bench --generate_only writes it with its enterprises CSV).
# Run it against a database without these decisions: rows already there
# are counted as already_existed, not created.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/import_bench_args.sh"
source "$(dirname "${BASH_SOURCE[0]}")/write_floor.sh"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
sql() { mariadb --no-defaults --socket="$SOCKET" -uroot -B -N "$DB" "$@"; }

# The anchor's SQL: the CSV's rows with their enterprises' ids, 1,000 to a
# statement. The values are the benchmark's own generated rows; they are
# escaped anyway.
sql -e "SELECT credit_code, id FROM enterprises" > "$WORK/ids.tsv"
python3 - "$CSV" "$WORK/ids.tsv" > "$WORK/anchor.sql" <<'PY'
import csv, sys
ids = dict(line.rstrip("\n").split("\t") for line in open(sys.argv[2], encoding="utf-8"))
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))[1:]
measure_bit = {"WARNING": 1, "ORDER_TO_CORRECT": 2, "FINE": 3, "DAILY_CONTINUOUS_PENALTY": 6,
               "PRODUCTION_LIMIT": 7, "SEAL_OR_SEIZURE": 9}
def q(text): return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"
print("DROP TABLE IF EXISTS penalty_decisions_anchor;")
print("CREATE TABLE penalty_decisions_anchor LIKE penalty_decisions;")
print("ALTER TABLE penalty_decisions_anchor ADD CONSTRAINT fk_anchor_enterprise "
      "FOREIGN KEY (enterprise_id) REFERENCES enterprises (id);")
for i in range(0, len(rows), 1000):
    values = []
    for code, authority, number, _type, day, measures, fine in rows[i:i + 1000]:
        bits = sum(1 << measure_bit.get(m, 1) for m in measures.split(";") if m)
        yuan = int(fine) if fine else 0
        values.append(f"({ids[code]},{q(authority)},{q(number)},2,{q(day)},{bits},{yuan * 100},"
                      "0,0,NULL,1,UTC_TIMESTAMP(6),UTC_TIMESTAMP(6))")
    print("INSERT INTO penalty_decisions_anchor (enterprise_id, authority, decision_number, "
          "violation_type, decision_date, measure_bits, fine_amount_fen, tampering, recurrence, "
          "recurrence_of_id, state, create_time, update_time) VALUES " + ",".join(values) + ";")
PY
ROWS=$(($(wc -l < "$CSV") - 1))

now() { date +%s.%N; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
DB_PID=$(cat "$(dirname "$SOCKET")/mariadbd.pid" 2>/dev/null || echo "")
SERVER_PID=$(ss -ltnpH "sport = :${SERVER##*:}" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)
cpu() {  # user + system seconds of pid $1 so far ("" when unknown)
  [[ -n $1 && -r /proc/$1/stat ]] || { echo ""; return; }
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"
}
# "mariadbd X s, server Y s, client Z s" of one step: $1/$2 the processes'
# CPU before it, $3 the client's from /usr/bin/time's file.
cpu_line() {
  awk -v d0="$1" -v d1="$(cpu "$DB_PID")" -v s0="$2" -v s1="$(cpu "$SERVER_PID")" \
      -v c="$(cat "$3")" 'BEGIN { printf "CPU: mariadbd %s s, server %s s, client %s s", \
      d0 == "" ? "?" : sprintf("%.1f", d1 - d0), s0 == "" ? "?" : sprintf("%.1f", s1 - s0), c }'
}
timed() { /usr/bin/time -f "%U %S" -o "$WORK/time" "$@"; awk '{ printf "%.1f", $1 + $2 }' "$WORK/time" > "$WORK/client"; }
echo "load average before: $(load)"
d0=$(cpu "$DB_PID"); s0=$(cpu "$SERVER_PID")
a0=$(now)
timed mariadb --no-defaults --socket="$SOCKET" -uroot -B -N "$DB" < "$WORK/anchor.sql"
a1=$(now)
echo "anchor $(cpu_line "$d0" "$s0" "$WORK/client")"
sql -e "DROP TABLE penalty_decisions_anchor"
import() {
  d0=$(cpu "$DB_PID"); s0=$(cpu "$SERVER_PID")
  timed "$ADMIN" --server "$SERVER" --token "$(cat "$TOKEN_FILE")" --output json \
      import decisions "$CSV" > "$1" || true
  echo "$2 $(cpu_line "$d0" "$s0" "$WORK/client")"
}
floor_mark
b0=$(now); import "$WORK/first.json" "import"; b1=$(now)
floor_dump
c0=$(now); import "$WORK/again.json" "re-import"; c1=$(now)
floor_load "import decisions"
echo "load average after: $(load)"
python3 - "$ROWS" "$a0" "$a1" "$b0" "$b1" "$c0" "$c1" "$WORK/first.json" "$WORK/again.json" \
    "$FLOOR_SECONDS" <<'PY'
import json, sys
rows = int(sys.argv[1])
floor = float(sys.argv[10])
a, b, c = (float(sys.argv[i + 1]) - float(sys.argv[i]) for i in (2, 4, 6))
def summary(path):
    s = json.load(open(path))
    return f"created {s['created']}, already_existed {s['already_existed']}, failed {s['failed']}"
print(f"anchor raw INSERT: {rows / a:,.0f} rows/s ({a:.2f} s)")
print(f"import decisions: {rows / b:,.0f} rows/s ({b:.2f} s), {summary(sys.argv[8])}")
print(f"ratio import / anchor: {a / b:.2f}")
print(f"ratio import / write floor: {floor / b:.2f} (floor {floor:.2f} s)")
print(f"re-import (same file): {rows / c:,.0f} rows/s ({c:.2f} s), {summary(sys.argv[9])}")
PY
