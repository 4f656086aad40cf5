#!/usr/bin/env bash
# The decision-import figures of issue 15 (doc/benchmarks.md "Decisions
# import against its anchor"): in one run, against a server that is already
# running and whose enterprises are imported,
#   1. the anchor: the CSV's rows as multi-row INSERTs of 1,000 rows, sent by
#      the mariadb client into a fresh copy of penalty_decisions (the same
#      columns, indexes and foreign key; CREATE TABLE … LIKE, then the key);
#   2. `envcredit-admin import decisions` of the CSV (default flags);
#   3. the same import again (every row already_existed: the re-import).
# Prints each rate, the import ÷ anchor ratio and the load average. It
# starts nothing itself.
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
echo "load average before: $(load)"
a0=$(now)
sql < "$WORK/anchor.sql"
a1=$(now)
sql -e "DROP TABLE penalty_decisions_anchor"
import() {
  "$ADMIN" --server "$SERVER" --token "$(cat "$TOKEN_FILE")" --output json \
      import decisions "$CSV" > "$1" || true
}
b0=$(now); import "$WORK/first.json"; b1=$(now)
c0=$(now); import "$WORK/again.json"; c1=$(now)
echo "load average after: $(load)"
python3 - "$ROWS" "$a0" "$a1" "$b0" "$b1" "$c0" "$c1" "$WORK/first.json" "$WORK/again.json" <<'PY'
import json, sys
rows = int(sys.argv[1])
a, b, c = (float(sys.argv[i + 1]) - float(sys.argv[i]) for i in (2, 4, 6))
def summary(path):
    s = json.load(open(path))
    return f"created {s['created']}, already_existed {s['already_existed']}, failed {s['failed']}"
print(f"anchor raw INSERT: {rows / a:,.0f} rows/s ({a:.2f} s)")
print(f"import decisions: {rows / b:,.0f} rows/s ({b:.2f} s), {summary(sys.argv[8])}")
print(f"ratio import / anchor: {a / b:.2f}")
print(f"re-import (same file): {rows / c:,.0f} rows/s ({c:.2f} s), {summary(sys.argv[9])}")
PY
