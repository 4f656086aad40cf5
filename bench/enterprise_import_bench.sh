#!/usr/bin/env bash
# The enterprise-import figure of issue 15 (doc/benchmarks.md "import
# enterprises in batches"): imports a CSV with envcredit-admin (default
# flags) into a running server, and in the same run inserts the same rows
# with multi-row INSERTs of 1,000 into a copy of the enterprises table (the
# anchor); prints both rates and their ratio, and the import's write floor
# (bench/write_floor.sh: every row the import left, in every table it wrote,
# inserted again as multi-row INSERTs into empty copies) with import ÷ floor.
# It starts nothing itself.
#
#   bench/enterprise_import_bench.sh --server 127.0.0.1:PORT --token-file F \
#       --socket DIR/db/mysqld.sock --db DB --csv enterprises-20000.csv \
#       [--admin build/admin-cli/envcredit-admin]
#
# DB is the server's database (--db_name); the CSV is import_bench's
# (credit_code,name,industry). Run it against a fresh database: rows already
# there are counted as "already there", not imported.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/import_bench_args.sh"
source "$(dirname "${BASH_SOURCE[0]}")/write_floor.sh"

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
sql() { mariadb --no-defaults --socket="$SOCKET" -uroot -B -N "$DB" "$@"; }
# The anchor's SQL: the CSV's rows, 1,000 to a statement. The values are
# the benchmark's own generated rows (no quotes in them); they are escaped
# anyway.
python3 - "$CSV" > "$WORK/anchor.sql" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
print("DROP TABLE IF EXISTS enterprises_anchor; CREATE TABLE enterprises_anchor LIKE enterprises;")
def q(text): return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"
for i in range(0, len(rows), 1000):
    values = ",".join(
        f"({q(r['credit_code'])},{q(r['name'])},{q(r['credit_code'][2:8])},7,'','',1,1,"
        "UTC_TIMESTAMP(6),UTC_TIMESTAMP(6))" for r in rows[i:i + 1000])
    print("INSERT INTO enterprises_anchor (credit_code, display_name, region_code, industry, "
          "legal_representative, address, status, revision, create_time, update_time) VALUES "
          + values + ";")
print("DROP TABLE enterprises_anchor;")
PY
ROWS=$(($(wc -l < "$CSV") - 1))

now() { date +%s.%N; }
a0=$(now)
mariadb --no-defaults --socket="$SOCKET" -uroot "$DB" < "$WORK/anchor.sql"
a1=$(now)
floor_mark
b0=$(now)
"$ADMIN" --server "$SERVER" --token "$(cat "$TOKEN_FILE")" --output json \
    import enterprises "$CSV" > "$WORK/summary.json"
b1=$(now)
floor_dump
floor_load "import enterprises"
python3 - "$ROWS" "$a0" "$a1" "$b0" "$b1" "$WORK/summary.json" "$FLOOR_SECONDS" <<'PY'
import json, sys
rows = int(sys.argv[1]); a = float(sys.argv[3]) - float(sys.argv[2])
floor = float(sys.argv[7])
b = float(sys.argv[5]) - float(sys.argv[4])
summary = json.load(open(sys.argv[6]))
print(f"anchor raw INSERT: {rows / a:,.0f} rows/s ({a:.2f} s)")
print(f"import enterprises: {rows / b:,.0f} rows/s ({b:.2f} s), created {summary['created']}, "
      f"already there {summary['already_existed']}, failed {summary['failed']}")
print(f"ratio import / anchor: {a / b:.2f}")
print(f"ratio import / write floor: {floor / b:.2f} (floor {floor:.2f} s)")
PY
