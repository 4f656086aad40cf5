#!/usr/bin/env bash
# The private MariaDB manager of envcredit: a MySQL-compatible database for
# the demo and the tests, with its own data folder, port and socket, and no
# system service. See doc/database.md.
#
#   scripts/db.sh start  RUN_DIR [--fast]   initialise (first time) and start
#   scripts/db.sh stop   RUN_DIR            stop; stopping a stopped one is fine
#   scripts/db.sh status RUN_DIR            exit 0 running, 3 stopped
#   scripts/db.sh env    RUN_DIR            print `export ENVCREDIT_DB_...` lines
#
# Everything lives in RUN_DIR/db, which carries the marker file .envcredit-db.
# The script never initialises, starts, stops or deletes anything in a folder
# without that marker. `start` listens on 127.0.0.1 only, on a free port (the
# previous port when it is still free), writes RUN_DIR/db/db.env and prints
# the settings; when the instance is already running it only prints them.
# --fast trades durability for speed (tests): the data survive a clean stop,
# not a machine crash.
#
# Exit codes: 0 success, 1 failure, 2 usage or refused folder, 3 (status/env)
# not running.
set -euo pipefail

readonly MARKER_NAME=.envcredit-db
readonly START_TIMEOUT_MS=30000
readonly STOP_TIMEOUT_MS=60000

die() { echo "db.sh: $*" >&2; exit 1; }
refuse() { echo "db.sh: $*" >&2; exit 2; }

usage() {
  sed -n '5,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# find_binary, python_bin, install_data_dir
# shellcheck source=scripts/mariadb-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/mariadb-common.sh"

# Prints a TCP port on 127.0.0.1 that is free right now.
free_port() {
  "$(python_bin)" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

port_is_free() {
  # SO_REUSEADDR as mariadbd uses it: connections of a stopped server
  # lingering in TIME_WAIT do not make the port busy.
  "$(python_bin)" -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
s.close()' "$1"
}

now_ms() { date +%s%3N; }

# True when pid $1 is a live (not zombie) mariadbd serving our data folder.
is_our_server() {
  local pid=$1 state cmdline
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/stat ]] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ $state != Z && $state != X ]] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"--datadir=$DATA_DIR "* ]]
}

running_pid() {  # prints the pid of our running server, or fails
  local pid
  [[ -f $PID_FILE ]] || return 1
  pid=$(tr -dc '0-9' <"$PID_FILE")
  is_our_server "$pid" || return 1
  echo "$pid"
}

set_paths() {
  [[ -n ${1:-} ]] || usage
  RUN_DIR=$1
  mkdir -p "$RUN_DIR" 2>/dev/null || true
  [[ -d $RUN_DIR ]] || die "cannot create $RUN_DIR"
  RUN_DIR=$(cd "$RUN_DIR" && pwd -P)
  DB_DIR=$RUN_DIR/db
  MARKER=$DB_DIR/$MARKER_NAME
  DATA_DIR=$DB_DIR/data
  PID_FILE=$DB_DIR/mariadbd.pid
  LOG_FILE=$DB_DIR/mariadbd.err
  ENV_FILE=$DB_DIR/db.env
  PORT_FILE=$DB_DIR/port
  SOCKET_DIR_FILE=$DB_DIR/socket-dir
}

# Refuses any folder that this script did not create.
check_marker() {
  if [[ -e $DB_DIR && ! -f $MARKER ]]; then
    refuse "$DB_DIR exists but has no $MARKER_NAME marker: not created by db.sh, refusing to touch it"
  fi
}

lock_db_dir() {  # serialises concurrent db.sh runs on one RUN_DIR (fd 9)
  exec 9>"$DB_DIR/.lock"
  flock 9
}

# Sets SOCKET: RUN_DIR/db/mysqld.sock when short enough, else a private
# folder under /tmp (recorded so that stop can remove it).
choose_socket() {
  local dir
  if [[ -f $SOCKET_DIR_FILE ]]; then
    dir=$(cat "$SOCKET_DIR_FILE")
    if [[ -d $dir && -f $dir/$MARKER_NAME ]]; then SOCKET=$dir/mysqld.sock; return; fi
    rm -f "$SOCKET_DIR_FILE"
  fi
  if (( ${#DB_DIR} + 12 < 100 )); then
    SOCKET=$DB_DIR/mysqld.sock
    return
  fi
  dir=$(mktemp -d /tmp/envcredit-db.XXXXXX)
  : >"$dir/$MARKER_NAME"
  echo "$dir" >"$SOCKET_DIR_FILE"
  SOCKET=$dir/mysqld.sock
}

remove_socket_dir() {
  local dir
  [[ -f $SOCKET_DIR_FILE ]] || return 0
  dir=$(cat "$SOCKET_DIR_FILE")
  if [[ -n $dir && -d $dir && -f $dir/$MARKER_NAME ]]; then
    rm -f "$dir/mysqld.sock" "$dir/mysqld.sock.lock" "$dir/$MARKER_NAME"
    rmdir "$dir" 2>/dev/null || true
  fi
  rm -f "$SOCKET_DIR_FILE"
}

user_flag() {  # mariadbd refuses to run as root without --user=root
  if [[ $(id -u) -eq 0 ]]; then echo "--user=root"; fi
}

initialise() {
  [[ -f $DB_DIR/.initialised ]] && return 0
  rm -rf "$DATA_DIR"  # a half-made data folder from an interrupted run
  mkdir -p "$DATA_DIR" "$DB_DIR/tmp"
  # shellcheck disable=SC2046
  install_data_dir "$DATA_DIR" "$DB_DIR/tmp" "$DB_DIR/install-db.log" $(user_flag)
  : >"$DB_DIR/.initialised"
}

ping_server() {
  "$MARIADB_ADMIN" --no-defaults --socket="$SOCKET" -uroot --connect-timeout=2 ping \
    >/dev/null 2>&1
}

write_env() {
  local tmp=$ENV_FILE.tmp
  {
    echo "ENVCREDIT_DB_HOST=127.0.0.1"
    echo "ENVCREDIT_DB_PORT=$PORT"
    echo "ENVCREDIT_DB_USER=root"
    echo "ENVCREDIT_DB_PASSWORD="
    echo "ENVCREDIT_DB_SOCKET=$SOCKET"
  } >"$tmp"
  mv -f "$tmp" "$ENV_FILE"
}

print_settings() {
  echo "database running: pid $1, 127.0.0.1:$(env_value ENVCREDIT_DB_PORT), user root, no password"
  echo "  socket:   $(env_value ENVCREDIT_DB_SOCKET)"
  echo "  settings: $ENV_FILE"
  echo "  client:   mariadb --no-defaults --socket=$(env_value ENVCREDIT_DB_SOCKET) -uroot"
}

env_value() { sed -n "s/^$1=//p" "$ENV_FILE"; }

# One attempt to start mariadbd on $PORT. Returns 0 when it answers, 1 when it
# died (the caller may retry on another port), and exits after the timeout.
start_once() {
  local fast_flags=() pid deadline
  if [[ $FAST == 1 ]]; then
    fast_flags=(--innodb-flush-log-at-trx-commit=2 --innodb-doublewrite=0 --skip-log-bin
                --performance-schema=0)
  fi
  rm -f "$PID_FILE"
  # A private temporary folder: instances started side by side (the test
  # suite runs several) must never share temporary files in /tmp.
  mkdir -p "$DB_DIR/tmp"
  : >>"$LOG_FILE"
  # setsid: the server must not receive the terminal's Ctrl-C meant for the
  # caller; fd 9 (the lock) must not be inherited.
  # shellcheck disable=SC2046
  setsid "$MARIADBD" --no-defaults --datadir="$DATA_DIR" --socket="$SOCKET" --port="$PORT" \
    --bind-address=127.0.0.1 --pid-file="$PID_FILE" $(user_flag) --log-error="$LOG_FILE" \
    --skip-name-resolve --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --max-connections=500 --tmpdir="$DB_DIR/tmp" "${fast_flags[@]}" </dev/null >>"$LOG_FILE" 2>&1 9>&- &
  pid=$!
  deadline=$(( $(now_ms) + START_TIMEOUT_MS ))
  while :; do
    if ping_server; then
      echo "$pid" >"$PID_FILE.starter"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null || [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) == Z ]]; then
      wait "$pid" 2>/dev/null || true
      return 1
    fi
    if (( $(now_ms) > deadline )); then
      echo "db.sh: mariadbd did not answer within $((START_TIMEOUT_MS / 1000)) s; log tail:" >&2
      tail -n 30 "$LOG_FILE" >&2
      kill -TERM "$pid" 2>/dev/null || true
      exit 1
    fi
    sleep 0.05
  done
}

cmd_start() {
  FAST=0
  if [[ ${1:-} == --fast ]]; then FAST=1; elif [[ -n ${1:-} ]]; then usage; fi
  check_marker
  if [[ ! -e $DB_DIR ]]; then
    mkdir -p "$DB_DIR"
    : >"$MARKER"
  fi
  lock_db_dir
  MARIADBD=$(find_binary mariadbd)
  MARIADB_ADMIN=$(find_binary mariadb-admin)
  choose_socket

  local pid
  if pid=$(running_pid); then
    if [[ ! -f $ENV_FILE ]]; then  # running, but a start was interrupted
      PORT=$(cat "$PORT_FILE")
      ping_server || die "mariadbd (pid $pid) runs but does not answer; see $LOG_FILE"
      write_env
    fi
    print_settings "$pid"
    return 0
  fi

  rm -f "$ENV_FILE"
  initialise
  local attempt log_lines
  for attempt in 1 2 3 4 5; do
    PORT=""
    if [[ $attempt == 1 && -f $PORT_FILE ]]; then
      PORT=$(tr -dc '0-9' <"$PORT_FILE")
      if [[ -z $PORT ]] || ! port_is_free "$PORT"; then PORT=""; fi
    fi
    [[ -n $PORT ]] || PORT=$(free_port)
    echo "$PORT" >"$PORT_FILE"
    : >>"$LOG_FILE"
    log_lines=$(wc -l <"$LOG_FILE")
    if start_once; then
      write_env
      print_settings "$(running_pid || cat "$PID_FILE.starter")"
      rm -f "$PID_FILE.starter"
      return 0
    fi
    # Retry only when the port was taken between choosing and binding.
    if ! tail -n +"$((log_lines + 1))" "$LOG_FILE" | grep -qiE 'address already in use|bind on tcp/ip port'; then
      echo "db.sh: mariadbd exited during start; log tail:" >&2
      tail -n 30 "$LOG_FILE" >&2
      exit 1
    fi
    echo "db.sh: port $PORT was taken, trying another" >&2
  done
  die "could not find a free port after 5 attempts"
}

cmd_stop() {
  [[ -z ${1:-} ]] || usage
  if [[ ! -e $DB_DIR ]]; then echo "database stopped (nothing under $DB_DIR)"; return 0; fi
  check_marker
  lock_db_dir
  local pid deadline
  if pid=$(running_pid); then
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$(( $(now_ms) + STOP_TIMEOUT_MS ))
    while is_our_server "$pid"; do
      if (( $(now_ms) > deadline )); then
        echo "db.sh: mariadbd (pid $pid) ignored SIGTERM for $((STOP_TIMEOUT_MS / 1000)) s; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.5
        break
      fi
      sleep 0.05
    done
  fi
  rm -f "$ENV_FILE" "$PID_FILE" "$PID_FILE.starter"
  remove_socket_dir
  echo "database stopped"
}

cmd_status() {
  [[ -z ${1:-} ]] || usage
  if [[ ! -e $DB_DIR ]]; then echo "database stopped (nothing under $DB_DIR)"; exit 3; fi
  check_marker
  local pid
  if pid=$(running_pid) && [[ -f $ENV_FILE ]]; then
    print_settings "$pid"
    return 0
  fi
  echo "database stopped"
  exit 3
}

cmd_env() {
  [[ -z ${1:-} ]] || usage
  [[ -e $DB_DIR ]] || { echo "db.sh: no database under $DB_DIR" >&2; exit 3; }
  check_marker
  if ! running_pid >/dev/null || [[ ! -f $ENV_FILE ]]; then
    echo "db.sh: the database under $DB_DIR is not running" >&2
    exit 3
  fi
  local key value
  while IFS='=' read -r key value; do
    [[ -n $key ]] && printf 'export %s=%q\n' "$key" "$value"
  done <"$ENV_FILE"
}

main() {
  local cmd=${1:-}
  [[ $# -ge 2 ]] || usage
  set_paths "$2"
  shift 2
  case $cmd in
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    env) cmd_env "$@" ;;
    *) usage ;;
  esac
}

main "$@"
