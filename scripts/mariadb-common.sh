# Helpers shared by scripts/db.sh (one private MariaDB) and scripts/cluster.sh
# (a private Galera cluster). Sourced, never run; the caller defines
# die MESSAGE (print and exit 1).

# name -> absolute path, searching PATH and the sbin folders (mariadbd is in
# /usr/sbin, which a normal user's PATH may lack).
find_binary() {
  local name=$1 dir
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  for dir in /usr/sbin /usr/local/sbin /sbin /usr/libexec; do
    if [[ -x $dir/$name ]]; then echo "$dir/$name"; return; fi
  done
  die "cannot find $name (install what scripts/setup.sh installs: mariadb-server, mariadb-client, mariadb-backup, galera-4)"
}

# Debian's python3 (the first python3 on PATH may be another build).
python_bin() {
  if [[ -x /usr/bin/python3 ]]; then echo /usr/bin/python3; else command -v python3; fi
}

# install_data_dir DATA_DIR TMP_DIR LOG [ARG...]: a new data folder for a
# private instance (root reachable over TCP without a password, no test
# database), ARGs passed on (e.g. --user=root); dies with the log's tail.
install_data_dir() {
  local data_dir=$1 tmp_dir=$2 log=$3 install_db
  shift 3
  install_db=$(find_binary mariadb-install-db)
  if ! "$install_db" --no-defaults --datadir="$data_dir" "$@" \
      --auth-root-authentication-method=normal --skip-test-db --tmpdir="$tmp_dir" \
      >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    die "mariadb-install-db failed (log: $log)"
  fi
}
