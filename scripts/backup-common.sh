# shellcheck shell=bash
# Shared by scripts/backup.sh and scripts/restore.sh (sourced, not run): the
# layout of a backup folder and how a chain of them is prepared. See
# doc/operations.md "Backup and restore".
#
# A backup folder DEST holds
#   DEST/raw/                  what `mariadb-backup --backup` took, never
#                              prepared: the base a later incremental is taken
#                              from (mariadb-backup needs the base un-prepared)
#   DEST/prepared/             a complete, prepared data folder (the full
#                              backup, or its base's prepared folder with this
#                              incremental applied): what a restore copies back
#   DEST/envcredit-backup.txt  key: value lines (time, versions, binlog/GTID
#                              position, sizes, kind, base)
# DEST/prepared can be deleted to save space: restore.sh then rebuilds it from
# the chain of raw folders (the full one prepared, each incremental applied in
# order), which is what it costs to keep incrementals small.

readonly BACKUP_INFO_NAME=envcredit-backup.txt

# Prints the absolute path of mariadb-backup (or mariabackup), or fails.
find_mariadb_backup() {
  local name dir
  for name in mariadb-backup mariabackup; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
    for dir in /usr/bin /usr/sbin /usr/local/bin; do
      if [[ -x $dir/$name ]]; then echo "$dir/$name"; return 0; fi
    done
  done
  return 1
}

# info_value DIR KEY: the value of KEY in DIR/envcredit-backup.txt ("" if none).
info_value() {
  sed -n "s/^$2: //p" "$1/$BACKUP_INFO_NAME" | head -n 1
}

# is_backup_folder DIR: DIR was made by backup.sh and finished.
is_backup_folder() {
  [[ -f $1/$BACKUP_INFO_NAME && -d $1/raw && $(info_value "$1" status) == complete ]]
}

# prepare_chain BACKUP OUT LOG: makes OUT (which must not exist) a prepared
# data folder for BACKUP. Walks from BACKUP towards the full backup until a
# folder with prepared/ is found (BACKUP itself, usually) and copies that;
# when none has one, copies the full backup's raw folder and prepares it. Then
# applies the raw folder of every incremental after that point, oldest
# first. Needs $MARIADB_BACKUP; mariadb-backup's output goes to LOG.
prepare_chain() {
  local backup=$1 out=$2 log=$3 dir chain=() from i
  dir=$backup
  while :; do
    is_backup_folder "$dir" || { echo "not a finished backup folder: $dir" >&2; return 1; }
    if [[ -d $dir/prepared ]]; then from=prepared; break; fi
    chain=("$dir" "${chain[@]}")
    if [[ $(info_value "$dir" kind) != incremental ]]; then from=raw; break; fi
    dir=$(info_value "$dir" base)
    [[ -n $dir ]] || { echo "${chain[0]}: incremental without a base" >&2; return 1; }
  done
  if [[ $from == prepared ]]; then
    cp -a "$dir/prepared" "$out" || return 1
  else
    cp -a "${chain[0]}/raw" "$out" || return 1  # prepare changes it: a copy
    echo "== prepare ${chain[0]}/raw" >>"$log"
    "$MARIADB_BACKUP" --no-defaults --prepare --target-dir="$out" >>"$log" 2>&1 || return 1
    chain=("${chain[@]:1}")
  fi
  for ((i = 0; i < ${#chain[@]}; ++i)); do
    apply_incremental "$out" "${chain[i]}/raw" "$log" || return 1
  done
}

# apply_incremental PREPARED RAW LOG: applies the incremental backup RAW to
# the prepared folder PREPARED. Works on a copy of RAW: applying moves files
# out of the incremental folder (tables created since the base arrive as
# NAME.new and are renamed into the target), and RAW must stay as taken for
# the next time the chain is prepared.
apply_incremental() {
  local prepared=$1 raw=$2 log=$3 scratch=$1.incremental
  rm -rf -- "$scratch"
  cp -a "$raw" "$scratch" || return 1
  echo "== apply $raw" >>"$log"
  "$MARIADB_BACKUP" --no-defaults --prepare --target-dir="$prepared" \
    --incremental-dir="$scratch" >>"$log" 2>&1 || return 1
  rm -rf -- "$scratch"
}
