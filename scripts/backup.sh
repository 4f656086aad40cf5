#!/usr/bin/env bash
# A hot, consistent backup of the private MariaDB of a run folder (as
# scripts/db.sh lays it out) with mariadb-backup, while it serves. See
# doc/operations.md "Backup and restore".
#
#   scripts/backup.sh RUN_DIR DEST [--incremental-from PREVIOUS]
#
# Writes the folder DEST (which must not exist): DEST/raw (the backup as
# taken, un-prepared, so that a later incremental can be based on it),
# DEST/prepared (a complete prepared data folder, what scripts/restore.sh
# copies back) and DEST/envcredit-backup.txt (time, server and schema
# versions, binlog/GTID position, LSNs, sizes). With --incremental-from,
# DEST/raw holds only the pages changed since PREVIOUS (an earlier backup of
# the same database), and DEST/prepared is PREVIOUS's prepared folder with
# them applied. A failed run deletes DEST; a folder without `status:
# complete` in its envcredit-backup.txt is never used.
#
# Exit codes: 0 success, 1 failure (database not running, no mariadb-backup,
# mariadb-backup failed), 2 usage or refused (DEST exists, PREVIOUS is not a
# backup of this database).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/backup-common.sh
source "$SCRIPT_DIR/backup-common.sh"

die() { echo "backup.sh: $*" >&2; exit 1; }
refuse() { echo "backup.sh: $*" >&2; exit 2; }
usage() {
  sed -n '6p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

now_ms() { date +%s%3N; }

# The first existing file of mariadb-backup's metadata (10.11 writes
# mariadb_backup_*, older versions xtrabackup_*); "" when neither exists.
meta_file() {
  local dir=$1 name=$2
  if [[ -f $dir/mariadb_backup_$name ]]; then echo "$dir/mariadb_backup_$name"
  elif [[ -f $dir/xtrabackup_$name ]]; then echo "$dir/xtrabackup_$name"
  fi
}

sql() {  # one query over the socket, tab-separated, no header
  "$MARIADB" --no-defaults --socket="$SOCKET" -u"$DB_USER" ${DB_PASSWORD:+-p"$DB_PASSWORD"} \
    --batch --skip-column-names -e "$1"
}

# "schema=version,schema=version" for every schema holding schema_migrations.
schema_versions() {
  local schema out=() version
  while read -r schema; do
    [[ -n $schema ]] || continue
    version=$(sql "SELECT COALESCE(MAX(version), 0) FROM \`$schema\`.schema_migrations")
    out+=("$schema=$version")
  done < <(sql "SELECT table_schema FROM information_schema.tables
                WHERE table_name = 'schema_migrations' ORDER BY table_schema")
  local IFS=,
  echo "${out[*]:-none}"
}

main() {
  [[ $# -eq 2 || $# -eq 4 ]] || usage
  local run_dir=$1 dest=$2 previous=""
  if [[ $# -eq 4 ]]; then
    [[ $3 == --incremental-from ]] || usage
    previous=$4
  fi

  MARIADB_BACKUP=$(find_mariadb_backup) ||
    die "mariadb-backup is not installed (apt-get install mariadb-backup, or scripts/setup.sh)"
  MARIADB=$(command -v mariadb || command -v mysql) || die "the mariadb client is not installed"

  [[ -d $run_dir ]] || die "no run folder $run_dir"
  run_dir=$(cd "$run_dir" && pwd -P)
  [[ -f $run_dir/db/.envcredit-db ]] ||
    die "$run_dir/db is not a database made by scripts/db.sh (no .envcredit-db marker)"
  local env_lines
  if ! env_lines=$("$SCRIPT_DIR/db.sh" env "$run_dir" 2>/dev/null); then
    die "the database of $run_dir is not running (start it: scripts/db.sh start $run_dir); a hot backup needs it up"
  fi
  eval "$env_lines"
  SOCKET=$ENVCREDIT_DB_SOCKET
  DB_USER=${ENVCREDIT_DB_USER:-root}
  DB_PASSWORD=${ENVCREDIT_DB_PASSWORD:-}
  local data_dir=$run_dir/db/data

  if [[ -n $previous ]]; then
    [[ -d $previous ]] || refuse "--incremental-from $previous: no such folder"
    previous=$(cd "$previous" && pwd -P)
    is_backup_folder "$previous" ||
      refuse "--incremental-from $previous: not a finished backup made by backup.sh"
    [[ $(info_value "$previous" source_data_dir) == "$data_dir" ]] ||
      refuse "--incremental-from $previous: it is a backup of $(info_value "$previous" source_data_dir), not of $data_dir"
  fi

  [[ ! -e $dest && ! -L $dest ]] || refuse "$dest exists; a backup goes into a new folder"
  mkdir -p "$(dirname "$dest")"
  mkdir "$dest" || refuse "cannot create $dest"
  dest=$(cd "$dest" && pwd -P)
  trap 'rm -rf -- "$dest"' EXIT  # cleared on success
  local log=$dest/backup.log

  local started_ms started_iso server_version schemas
  started_ms=$(now_ms)
  started_iso=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
  server_version=$(sql "SELECT VERSION()") || die "cannot query the database over $SOCKET"
  schemas=$(schema_versions)

  # 1. The backup itself: InnoDB pages copied while the redo log is followed,
  #    then BACKUP STAGE BLOCK_COMMIT for the moment of consistency (non-InnoDB
  #    tables are copied under a short lock). Absolute paths: mariadb-backup
  #    changes into the data folder.
  local backup_args=(--no-defaults --backup --target-dir="$dest/raw" --user="$DB_USER"
                     --socket="$SOCKET")
  [[ -z $DB_PASSWORD ]] || backup_args+=(--password="$DB_PASSWORD")
  [[ -z $previous ]] || backup_args+=(--incremental-basedir="$previous/raw")
  echo "== backup $(date -u +%FT%TZ)" >>"$log"
  if ! "$MARIADB_BACKUP" "${backup_args[@]}" >>"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "mariadb-backup --backup failed (log above)"
  fi
  local backed_up_ms
  backed_up_ms=$(now_ms)

  # 2. Prepared: the full backup prepared, or PREVIOUS's prepared folder with
  #    this incremental applied. raw/ stays as taken.
  echo "== prepare $(date -u +%FT%TZ)" >>"$log"
  if [[ -z $previous ]]; then
    cp -a "$dest/raw" "$dest/prepared.tmp"
    "$MARIADB_BACKUP" --no-defaults --prepare --target-dir="$dest/prepared.tmp" >>"$log" 2>&1 ||
      { tail -n 20 "$log" >&2; die "mariadb-backup --prepare failed (log above)"; }
  else
    prepare_chain "$previous" "$dest/prepared.tmp" "$log" ||
      { tail -n 20 "$log" >&2; die "preparing the base $previous failed (log above)"; }
    apply_incremental "$dest/prepared.tmp" "$dest/raw" "$log" ||
      { tail -n 20 "$log" >&2; die "applying the incremental failed (log above)"; }
  fi
  mv "$dest/prepared.tmp" "$dest/prepared"
  local finished_ms
  finished_ms=$(now_ms)

  # 3. What was taken.
  local binlog_file checkpoints binlog="none (binary log off)" from_lsn to_lsn
  binlog_file=$(meta_file "$dest/raw" binlog_info)
  if [[ -n $binlog_file && -s $binlog_file ]]; then
    binlog=$(tr '\t\n' '  ' <"$binlog_file" | sed 's/ *$//')
  fi
  checkpoints=$(meta_file "$dest/raw" checkpoints)
  from_lsn=$(sed -n 's/^from_lsn = //p' "$checkpoints" 2>/dev/null || true)
  to_lsn=$(sed -n 's/^to_lsn = //p' "$checkpoints" 2>/dev/null || true)
  local gtid
  gtid=$(grep -o "GTID of the last change '[^']*'" "$log" | tail -n 1 | sed "s/.*'\(.*\)'/\1/" || true)
  {
    echo "format: envcredit-backup 1"
    echo "kind: $([[ -z $previous ]] && echo full || echo incremental)"
    echo "base: $previous"
    echo "source_run_dir: $run_dir"
    echo "source_data_dir: $data_dir"
    echo "started: $started_iso"
    echo "finished: $(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)"
    echo "backup_seconds: $(( (backed_up_ms - started_ms) / 1000 )).$(printf %03d $(( (backed_up_ms - started_ms) % 1000 )))"
    echo "prepare_seconds: $(( (finished_ms - backed_up_ms) / 1000 )).$(printf %03d $(( (finished_ms - backed_up_ms) % 1000 )))"
    echo "server_version: $server_version"
    echo "mariadb_backup: $("$MARIADB_BACKUP" --version 2>&1 | head -n 1)"
    echo "schema_versions: $schemas"
    echo "binlog_position: $binlog"
    echo "gtid: ${gtid:-none}"
    echo "from_lsn: ${from_lsn:-?}"
    echo "to_lsn: ${to_lsn:-?}"
    echo "raw_bytes: $(du -sb "$dest/raw" | cut -f1)"
    echo "prepared_bytes: $(du -sb "$dest/prepared" | cut -f1)"
    echo "status: complete"
  } >"$dest/$BACKUP_INFO_NAME.tmp"
  mv "$dest/$BACKUP_INFO_NAME.tmp" "$dest/$BACKUP_INFO_NAME"
  trap - EXIT
  echo "backup of $data_dir written to $dest"
  cat "$dest/$BACKUP_INFO_NAME"
}

main "$@"
