# shellcheck shell=bash
# Sourced by bench/decision_import_bench.sh and bench/enterprise_import_bench.sh:
# the *write floor* of an import (doc/benchmarks.md "The write floor of an
# import"). An import stores more than the rows of its file: each item's
# request-log claim and audit entry, and each re-rated enterprise's rating,
# rating change, feed event and records change, in the item's transaction
# (SPEC §6). The issue's anchor inserts only the file's rows into one table;
# the floor inserts every row the import left in every table it wrote —
# copied after the import into empty copies of those tables (CREATE TABLE …
# LIKE: the same columns and indexes, no foreign keys) as multi-row INSERTs of
# about 1,000 rows, by the mariadb client — so import ÷ floor says how much of
# the import's time is more than writing what it must keep.
#
# Needs SOCKET (the database's socket), DB (the server's database) and WORK
# (a folder for the dump) set by the sourcing script.
#   floor_mark            before the import: the last id/cursor (or the time) of each table
#   floor_dump            right after it: dumps the rows it left (a read)
#   floor_load LABEL      later (a script that measures more after the import
#                         loads last, so the copies' writes and drops do not
#                         run beside its next step): inserts the dumped rows into
#                         the copies, prints the floor; sets FLOOR_SECONDS

# The tables an import writes, each with the column that tells its new rows:
# an id or cursor that only grows, or (request_log, ratings) a time.
FLOOR_TABLES="enterprises:id penalty_decisions:id request_log:create_time audit_log:id
ratings:update_time rating_changes:cursor_id feed_events:cursor_id records_changes:cursor_id"

floor_sql() { mariadb --no-defaults --socket="$SOCKET" -uroot -B -N "$DB" "$@"; }

floor_mark() {
  local spec table column
  : > "$WORK/floor.marks"
  : > "$WORK/floor.create.sql"
  for spec in $FLOOR_TABLES; do
    table=${spec%%:*} column=${spec#*:}
    if [[ $column == *_time ]]; then
      echo "$table $column '$(floor_sql -e "SELECT UTC_TIMESTAMP(6)")'" >> "$WORK/floor.marks"
    else
      echo "$table $column $(floor_sql -e "SELECT COALESCE(MAX($column), 0) FROM $table")" >> "$WORK/floor.marks"
    fi
  done
}

floor_dump() {
  local table column mark rows
  FLOOR_ROWS=0
  : > "$WORK/floor.sql"
  while read -r table column mark; do
    local where="$column > $mark"
    [[ $column == *_time ]] && where="$column >= $mark"
    rows=$(floor_sql -e "SELECT COUNT(*) FROM $table WHERE $where")
    [[ $rows -gt 0 ]] || continue
    FLOOR_ROWS=$((FLOOR_ROWS + rows))
    echo "  $table: $rows rows"
    echo "DROP TABLE IF EXISTS ${table}_floor; CREATE TABLE ${table}_floor LIKE $table;" \
      >> "$WORK/floor.create.sql"
    # ~1,000 rows a statement at these tables' row sizes (100-250 bytes).
    mariadb-dump --no-defaults --socket="$SOCKET" -uroot --single-transaction --compact \
        --no-create-info --skip-triggers --extended-insert --net-buffer-length=200000 \
        --where="$where" "$DB" "$table" |
      sed "s/^INSERT INTO \`$table\` /INSERT INTO \`${table}_floor\` /" >> "$WORK/floor.sql"
  done < "$WORK/floor.marks"
}

floor_load() {
  local t0 t1 table
  floor_sql < "$WORK/floor.create.sql"
  t0=$(date +%s.%N)
  mariadb --no-defaults --socket="$SOCKET" -uroot "$DB" < "$WORK/floor.sql"
  t1=$(date +%s.%N)
  while read -r table _; do floor_sql -e "DROP TABLE IF EXISTS ${table}_floor"; done < "$WORK/floor.marks"
  FLOOR_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
  echo "write floor: the $FLOOR_ROWS rows $1 left, inserted again in ${FLOOR_SECONDS} s"
}
