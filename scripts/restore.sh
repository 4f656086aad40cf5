#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into a NEW private database
# folder for a run folder, laid out as scripts/db.sh expects, so that
# `scripts/db.sh start RUN_DIR` then starts the restored database. See
# doc/operations.md "Backup and restore".
#
#   scripts/restore.sh BACKUP RUN_DIR
#
# BACKUP is a full or an incremental backup folder. Its prepared/ folder is
# copied back (`mariadb-backup --copy-back`; the backup stays usable); when it
# has none, the chain is prepared first: the full backup, then every
# incremental up to BACKUP, in order. Refuses when RUN_DIR/db exists (running
# or not): a restore never overwrites a database. The new folder is built
# beside it (RUN_DIR/db.restoring) and renamed to RUN_DIR/db only when
# complete.
#
# Exit codes: 0 success, 1 failure, 2 usage or refused.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/backup-common.sh
source "$SCRIPT_DIR/backup-common.sh"

die() { echo "restore.sh: $*" >&2; exit 1; }
refuse() { echo "restore.sh: $*" >&2; exit 2; }
usage() {
  sed -n '7p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

main() {
  [[ $# -eq 2 ]] || usage
  local backup=$1 run_dir=$2
  MARIADB_BACKUP=$(find_mariadb_backup) ||
    die "mariadb-backup is not installed (apt-get install mariadb-backup, or scripts/setup.sh)"

  [[ -d $backup ]] || refuse "no backup folder $backup"
  backup=$(cd "$backup" && pwd -P)
  is_backup_folder "$backup" ||
    refuse "$backup is not a finished backup made by backup.sh (no 'status: complete' in $BACKUP_INFO_NAME)"

  mkdir -p "$run_dir" || die "cannot create $run_dir"
  run_dir=$(cd "$run_dir" && pwd -P)
  local db_dir=$run_dir/db
  if [[ -e $db_dir ]]; then
    if "$SCRIPT_DIR/db.sh" status "$run_dir" >/dev/null 2>&1; then
      refuse "the database of $run_dir is running; restore into a new run folder"
    fi
    refuse "$db_dir exists; restore into a new run folder (a restore never overwrites a database)"
  fi
  local work=$run_dir/db.restoring
  [[ ! -e $work ]] || refuse "$work exists (an interrupted restore?); delete it first"
  mkdir "$work"
  trap 'rm -rf -- "$work"' EXIT  # cleared on success
  local log=$work/restore.log start_ms
  start_ms=$(date +%s%3N)

  # 1. A prepared data folder for BACKUP (its own, or the chain prepared).
  local prepared=$backup/prepared
  if [[ ! -d $prepared ]]; then
    echo "restore.sh: $backup has no prepared/ folder: preparing its chain" >&2
    prepared=$work/prepared
    prepare_chain "$backup" "$prepared" "$log" ||
      { tail -n 20 "$log" >&2; die "preparing the backup chain failed (log above)"; }
  fi

  # 2. Copy back into the data folder db.sh uses (RUN_DIR/db/data). The
  #    options of the backup (backup-my.cnf: page size, undo tablespaces) come
  #    with it.
  echo "== copy-back $(date -u +%FT%TZ)" >>"$log"
  if ! "$MARIADB_BACKUP" --no-defaults --copy-back --target-dir="$prepared" \
      --datadir="$work/data" >>"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "mariadb-backup --copy-back failed (log above)"
  fi
  rm -rf -- "$work/prepared"

  # 3. The files db.sh needs: the marker (it touches only folders carrying
  #    it) and .initialised (so that it does not run mariadb-install-db).
  : >"$work/.envcredit-db"
  : >"$work/.initialised"
  mkdir -p "$work/tmp"
  cp "$backup/$BACKUP_INFO_NAME" "$work/restored-from.txt"
  echo "restored_from: $backup" >>"$work/restored-from.txt"
  echo "restored_at: $(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" >>"$work/restored-from.txt"
  mv "$work/restore.log" "$work/restore-copy-back.log"
  mv "$work" "$db_dir"
  trap - EXIT
  local took=$(( $(date +%s%3N) - start_ms ))
  echo "restored $backup ($(info_value "$backup" kind), taken $(info_value "$backup" started)) into $db_dir in $((took / 1000)).$(printf %03d $((took % 1000))) s"
  echo "start it: scripts/db.sh start $run_dir"
}

main "$@"
