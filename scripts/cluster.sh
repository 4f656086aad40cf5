#!/usr/bin/env bash
# A private 3-node MariaDB Galera cluster on 127.0.0.1 for envcredit's cluster
# tests and for trying a cluster by hand: its own ports, data folders and
# marker file, no system service. scripts/db.sh does the same for one node;
# doc/deployment.md explains the cluster and what each failure does.
#
#   scripts/cluster.sh start     RUN_DIR [--fast]  bootstrap (first time) or start every stopped node
#   scripts/cluster.sh stop      RUN_DIR           stop all nodes (node 1 last); stopped is fine
#   scripts/cluster.sh status    RUN_DIR           one line a node; exit 0 all Synced, 3 none running, 1 else
#   scripts/cluster.sh env       RUN_DIR           print `export ENVCREDIT_DB_...` lines
#   scripts/cluster.sh kill N    RUN_DIR           SIGKILL node N (a crash)
#   scripts/cluster.sh restart N RUN_DIR           start node N again (IST after --wsrep-recover)
#   scripts/cluster.sh bootstrap N RUN_DIR         make node N's partition primary (pc.bootstrap=YES)
#
# Everything lives in RUN_DIR/cluster (marker .envcredit-cluster), node N in
# RUN_DIR/cluster/gN with its option file my.cnf. Each node has four ports
# (SQL, gcomm, IST, SST), chosen free on the first start (or
# ENVCREDIT_CLUSTER_PORT_BASE + 10*N + 0..3) and kept in RUN_DIR/cluster/ports
# because they are written into every option file and the cluster address.
# `start` writes RUN_DIR/cluster/db.env in scripts/db.sh's format (node 1's
# host, port and socket) plus ENVCREDIT_DB_HOSTS (all three SQL endpoints) and
# ENVCREDIT_CLUSTER_SOCKET_N.
#
# Network namespaces (the partition test, tests/cluster/partition_test.py):
# with ENVCREDIT_CLUSTER_NETNS="NS1=ADDR1 NS2=ADDR2 NS3=ADDR3" on the first
# start, node N runs inside network namespace NSn (`ip netns exec`) and
# listens on ADDRn instead of 127.0.0.1. The caller creates the namespaces
# and their links; the choice is kept in RUN_DIR/cluster/netns, so later
# commands need not repeat it. The sockets stay reachable from everywhere
# (a Unix socket is a file), which is how this script watches the nodes. Joining nodes get a full copy by SST with
# mariabackup (works as root; rsync SST does not), so mariadb-backup and socat
# must be installed (scripts/setup.sh does).
#
# Exit codes: 0 success, 1 failure, 2 usage or refused folder, 3 not running.
set -euo pipefail

readonly MARKER_NAME=.envcredit-cluster
readonly NODES=(1 2 3)
readonly SYNC_TIMEOUT_S=${ENVCREDIT_CLUSTER_SYNC_TIMEOUT_S:-180}
readonly STOP_TIMEOUT_S=60

die() { echo "cluster.sh: $*" >&2; exit 1; }
refuse() { echo "cluster.sh: $*" >&2; exit 2; }
usage() { sed -n '6,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# find_binary, python_bin, install_data_dir
# shellcheck source=scripts/mariadb-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/mariadb-common.sh"

readonly GALERA_PROVIDER=/usr/lib/galera/libgalera_smm.so

set_paths() {
  [[ -n ${1:-} ]] || usage
  RUN_DIR=$1
  mkdir -p "$RUN_DIR" 2>/dev/null || true
  [[ -d $RUN_DIR ]] || die "cannot create $RUN_DIR"
  RUN_DIR=$(cd "$RUN_DIR" && pwd -P)
  CL_DIR=$RUN_DIR/cluster
  MARKER=$CL_DIR/$MARKER_NAME
  PORTS_FILE=$CL_DIR/ports
  ENV_FILE=$CL_DIR/db.env
  NETNS_FILE=$CL_DIR/netns
  SOCKET_DIR_FILE=$CL_DIR/socket-dir
}

check_marker() {
  if [[ -e $CL_DIR && ! -f $MARKER ]]; then
    refuse "$CL_DIR exists but has no $MARKER_NAME marker: not created by cluster.sh, refusing to touch it"
  fi
}

lock_cluster_dir() { exec 9>"$CL_DIR/.lock"; flock 9; }

node_dir() { echo "$CL_DIR/g$1"; }

# Sockets must stay below 107 bytes: in RUN_DIR/cluster when short enough,
# else in a private /tmp folder recorded in socket-dir.
socket_of() {
  local dir
  if (( ${#CL_DIR} + 12 < 100 )); then echo "$CL_DIR/g$1/sock"; return; fi
  if [[ ! -f $SOCKET_DIR_FILE ]]; then
    dir=$(mktemp -d /tmp/envcredit-cl.XXXXXX)
    : >"$dir/$MARKER_NAME"
    echo "$dir" >"$SOCKET_DIR_FILE"
  fi
  echo "$(cat "$SOCKET_DIR_FILE")/g$1.sock"
}

# Chooses the 12 ports once. All sockets are bound at the same time, so the
# kernel hands out 12 distinct free ports.
choose_ports() {
  [[ -f $PORTS_FILE ]] && return 0
  local base=${ENVCREDIT_CLUSTER_PORT_BASE:-} n
  if [[ -n $base ]]; then
    [[ $base =~ ^[0-9]+$ ]] || die "ENVCREDIT_CLUSTER_PORT_BASE must be a number"
    for n in "${NODES[@]}"; do
      echo "$n $((base + 10 * n)) $((base + 10 * n + 1)) $((base + 10 * n + 2)) $((base + 10 * n + 3))"
    done >"$PORTS_FILE.tmp"
  else
    "$(python_bin)" -c 'import socket
socks = []
for _ in range(12):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
ports = [s.getsockname()[1] for s in socks]
for n in range(3):
    print(n + 1, *ports[4 * n:4 * n + 4])' >"$PORTS_FILE.tmp"
  fi
  mv -f "$PORTS_FILE.tmp" "$PORTS_FILE"
}

# port N KIND (sql|gcomm|ist|sst)
port() {
  local col
  case $2 in sql) col=2 ;; gcomm) col=3 ;; ist) col=4 ;; sst) col=5 ;; *) die "bad port kind $2" ;; esac
  awk -v n="$1" -v c="$col" '$1 == n {print $c}' "$PORTS_FILE"
}

# Records ENVCREDIT_CLUSTER_NETNS once (see the header): "N NS ADDRESS" lines.
choose_netns() {
  [[ -f $NETNS_FILE ]] && return 0
  local spec=${ENVCREDIT_CLUSTER_NETNS:-} n=0 pair
  [[ -n $spec ]] || { : >"$NETNS_FILE"; return 0; }
  for pair in $spec; do
    n=$((n + 1))
    [[ $pair =~ ^([A-Za-z0-9_.-]+)=([0-9.]+)$ ]] \
      || die "ENVCREDIT_CLUSTER_NETNS: '$pair' is not NAMESPACE=IPV4ADDRESS"
    echo "$n ${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
  done >"$NETNS_FILE.tmp"
  (( n == ${#NODES[@]} )) || die "ENVCREDIT_CLUSTER_NETNS must name ${#NODES[@]} namespaces, got $n"
  mv -f "$NETNS_FILE.tmp" "$NETNS_FILE"
}

# The address node N listens on: its namespace's, else 127.0.0.1.
host_of() {
  local address=""
  [[ -f $NETNS_FILE ]] && address=$(awk -v n="$1" '$1 == n {print $3}' "$NETNS_FILE")
  echo "${address:-127.0.0.1}"
}

# The command prefix that runs a program in node N's namespace (none by default).
netns_prefix() {
  local ns=""
  [[ -f $NETNS_FILE ]] && ns=$(awk -v n="$1" '$1 == n {print $2}' "$NETNS_FILE")
  if [[ -n $ns ]]; then echo "ip netns exec $ns"; fi
}

cluster_address() {
  local n list=()
  for n in "${NODES[@]}"; do list+=("$(host_of "$n"):$(port "$n" gcomm)"); done
  (IFS=,; echo "gcomm://${list[*]}")
}

# The run user: mariadbd refuses root unless told; SST by mariabackup works
# either way.
run_user() { id -un; }

write_option_file() {
  local n=$1 dir fast="" host
  dir=$(node_dir "$n")
  host=$(host_of "$n")
  mkdir -p "$dir/data" "$dir/tmp" "$dir/sst_log_archive"
  if [[ -f $CL_DIR/fast ]]; then
    # Tests only: a clean stop keeps the data, a machine crash may not.
    # Durability of acknowledged writes then rests on the other nodes.
    fast="innodb_flush_log_at_trx_commit=2
innodb_doublewrite=0
performance_schema=0"
  fi
  # --defaults-file rather than --no-defaults: mariadbd hands the file to the
  # SST scripts, which read [mysqld] and [sst] from it again.
  cat >"$dir/my.cnf" <<EOF
[mysqld]
datadir=$dir/data
socket=$(socket_of "$n")
port=$(port "$n" sql)
bind-address=$host
pid-file=$dir/mariadbd.pid
log-error=$dir/error.log
tmpdir=$dir/tmp
user=$(run_user)
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
max_connections=500
innodb_buffer_pool_size=128M
innodb_log_file_size=64M
binlog_format=ROW
default_storage_engine=InnoDB
innodb_autoinc_lock_mode=2
$fast
wsrep_on=ON
wsrep_provider=$GALERA_PROVIDER
wsrep_cluster_name=envcredit_$(echo "$CL_DIR" | cksum | cut -d' ' -f1)
wsrep_cluster_address=$(cluster_address)
wsrep_node_name=g$n
wsrep_node_address=$host:$(port "$n" gcomm)
wsrep_node_incoming_address=$host:$(port "$n" sql)
wsrep_provider_options="gmcast.listen_addr=tcp://$host:$(port "$n" gcomm);ist.recv_addr=$host:$(port "$n" ist);gcache.size=128M"
wsrep_sst_receive_address=$host:$(port "$n" sst)
wsrep_sst_method=mariabackup
wsrep_sst_auth=root:
wsrep_slave_threads=2
[sst]
progress=none
sst-log-archive-dir=$dir/sst_log_archive
EOF
}

pid_of() {  # pid of node N's live (not zombie) mariadbd, or fail
  local dir pid state cmdline
  dir=$(node_dir "$1")
  [[ -f $dir/mariadbd.pid ]] || return 1
  pid=$(tr -dc '0-9' <"$dir/mariadbd.pid")
  [[ -n $pid && -r /proc/$pid/stat ]] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ $state != Z && $state != X ]] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmdline == *"--defaults-file=$dir/my.cnf"* ]] || return 1
  echo "$pid"
}

sql() {  # sql N "STATEMENT": runs it as root over node N's socket
  "$MARIADB" --no-defaults --socket="$(socket_of "$1")" -uroot --connect-timeout=2 -NBe "$2" 2>/dev/null
}

status_var() { sql "$1" "SHOW STATUS LIKE '$2'" | awk '{print $2}'; }

# Waits until node N is Synced (a joiner's socket does not answer during SST,
# so answering alone is not enough).
wait_synced() {
  local n=$1 deadline state
  deadline=$(( $(date +%s) + SYNC_TIMEOUT_S ))
  while :; do
    state=$(status_var "$n" wsrep_local_state_comment || true)
    [[ $state == Synced ]] && return 0
    if ! pid_of "$n" >/dev/null; then
      echo "cluster.sh: node $n exited while starting; log tail:" >&2
      tail -n 30 "$(node_dir "$n")/error.log" >&2
      return 1
    fi
    if (( $(date +%s) > deadline )); then
      echo "cluster.sh: node $n not Synced within $SYNC_TIMEOUT_S s (state '${state:-no answer}'); log tail:" >&2
      tail -n 30 "$(node_dir "$n")/error.log" >&2
      return 1
    fi
    sleep 0.2
  done
}

# Launches node N's mariadbd with extra arguments, in its own session so
# that a Ctrl-C meant for the caller does not reach it; fd 9 (the lock) is
# not inherited.
launch() {
  local n=$1 dir prefix
  shift
  dir=$(node_dir "$n")
  prefix=$(netns_prefix "$n")
  rm -f "$dir/mariadbd.pid"
  # shellcheck disable=SC2086  # the prefix is words: ip netns exec NS
  setsid $prefix "$MARIADBD" --defaults-file="$dir/my.cnf" "$@" </dev/null >>"$dir/stdout.log" 2>&1 9>&- &
  # The pid file appears once the server initialised; the caller waits on
  # Synced, and pid_of needs the file, so record the launcher's pid now.
  echo $! >"$dir/mariadbd.pid"
}

# The recovered position of a stopped node (uuid:seqno), so that it rejoins
# by IST instead of a full SST (a crashed node's grastate.dat says -1).
recover_position() {
  local n=$1 dir
  dir=$(node_dir "$n")
  rm -f "$dir/recover.log"
  "$MARIADBD" --defaults-file="$dir/my.cnf" --wsrep-recover --log-error="$dir/recover.log" \
    </dev/null >/dev/null 2>&1 9>&- || true
  grep -a 'WSREP: Recovered position:' "$dir/recover.log" 2>/dev/null | tail -1 \
    | sed 's/.*Recovered position: *//'
}

seqno_of_position() { echo "${1##*:}"; }

start_joiner() {  # node N joins the running cluster
  local n=$1 pos
  write_option_file "$n"
  if [[ -f $(node_dir "$n")/data/grastate.dat ]]; then
    pos=$(recover_position "$n")
    if [[ -n $pos ]]; then
      launch "$n" --wsrep-start-position="$pos"
    else
      launch "$n"
    fi
  else
    launch "$n"  # empty data folder: everything comes by SST
  fi
  wait_synced "$n"
}

initialise_first_node() {
  local dir
  dir=$(node_dir 1)
  rm -rf "$dir/data"
  mkdir -p "$dir/data" "$dir/tmp"
  install_data_dir "$dir/data" "$dir/tmp" "$dir/install-db.log" --user="$(run_user)"
  : >"$CL_DIR/.initialised"
}

# After every node stopped: the node to bootstrap from is the one that
# stopped last (safe_to_bootstrap: 1); after a crash of all, the one with the
# highest recovered seqno, which is then marked safe.
choose_bootstrap_node() {
  local n best="" best_seqno=-2 pos seqno grastate
  for n in "${NODES[@]}"; do
    grastate=$(node_dir "$n")/data/grastate.dat
    if [[ -f $grastate ]] && grep -q '^safe_to_bootstrap: *1' "$grastate"; then
      echo "$n"; return
    fi
  done
  for n in "${NODES[@]}"; do
    grastate=$(node_dir "$n")/data/grastate.dat
    [[ -f $grastate ]] || continue
    write_option_file "$n"
    pos=$(recover_position "$n")
    seqno=$(seqno_of_position "${pos:--1}")
    if [[ $seqno =~ ^-?[0-9]+$ ]] && (( seqno > best_seqno )); then best=$n; best_seqno=$seqno; fi
  done
  [[ -n $best ]] || die "no node has a grastate.dat; delete $CL_DIR to start from nothing"
  sed -i 's/^safe_to_bootstrap: *0/safe_to_bootstrap: 1/' "$(node_dir "$best")/data/grastate.dat"
  echo "$best"
}

write_env() {
  local n hosts=()
  for n in "${NODES[@]}"; do hosts+=("$(host_of "$n"):$(port "$n" sql)"); done
  {
    echo "ENVCREDIT_DB_HOST=$(host_of 1)"
    echo "ENVCREDIT_DB_PORT=$(port 1 sql)"
    echo "ENVCREDIT_DB_USER=root"
    echo "ENVCREDIT_DB_PASSWORD="
    echo "ENVCREDIT_DB_SOCKET=$(socket_of 1)"
    (IFS=,; echo "ENVCREDIT_DB_HOSTS=${hosts[*]}")
    for n in "${NODES[@]}"; do echo "ENVCREDIT_CLUSTER_SOCKET_$n=$(socket_of "$n")"; done
  } >"$ENV_FILE.tmp"
  mv -f "$ENV_FILE.tmp" "$ENV_FILE"
}

print_status() {  # one line a node; returns how many are Synced
  local n pid state size synced=0
  for n in "${NODES[@]}"; do
    if pid=$(pid_of "$n"); then
      state=$(status_var "$n" wsrep_local_state_comment || true)
      size=$(status_var "$n" wsrep_cluster_size || true)
      echo "node $n: pid $pid, $(host_of "$n"):$(port "$n" sql), ${state:-not answering}, cluster size ${size:-?}, socket $(socket_of "$n")"
      [[ $state == Synced ]] && synced=$((synced + 1))
    else
      echo "node $n: stopped"
    fi
  done
  SYNCED=$synced
}

running() {  # true while process PID exists and is not a zombie
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != Z && $state != X ]]
}

stop_node() {  # SIGTERM node N and wait until it is gone
  local n=$1 pid deadline
  pid=$(pid_of "$n") || return 0
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$(( $(date +%s) + STOP_TIMEOUT_S ))
  # Wait on the pid itself, not pid_of: an exiting process has already
  # released its memory, so its cmdline reads empty while it still holds
  # the data folder's files and ports (pid_of would call it gone).
  while running "$pid"; do
    if (( $(date +%s) > deadline )); then
      echo "cluster.sh: node $n (pid $pid) ignored SIGTERM for $STOP_TIMEOUT_S s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.1
  done
}

node_arg() {
  [[ ${1:-} =~ ^[123]$ ]] || refuse "node must be 1, 2 or 3, got '${1:-}'"
}

cmd_start() {
  if [[ ${1:-} == --fast ]]; then :; elif [[ -n ${1:-} ]]; then usage; fi
  check_marker
  if [[ ! -e $CL_DIR ]]; then mkdir -p "$CL_DIR"; : >"$MARKER"; fi
  lock_cluster_dir
  [[ -f $GALERA_PROVIDER ]] || die "no Galera provider at $GALERA_PROVIDER (install galera-4: scripts/setup.sh)"
  find_binary mariabackup >/dev/null
  if [[ ${1:-} == --fast ]]; then : >"$CL_DIR/fast"; fi
  choose_ports
  choose_netns
  local n running=() first
  for n in "${NODES[@]}"; do
    write_option_file "$n"
    if pid_of "$n" >/dev/null; then running+=("$n"); fi
  done
  if ((${#running[@]} == 0)); then
    if [[ ! -f $CL_DIR/.initialised ]]; then
      initialise_first_node
      first=1
    else
      first=$(choose_bootstrap_node)
    fi
    echo "cluster.sh: bootstrapping a new primary component from node $first" >&2
    launch "$first" --wsrep-new-cluster
    wait_synced "$first" || die "node $first did not start"
    running=("$first")
  fi
  for n in "${NODES[@]}"; do
    pid_of "$n" >/dev/null && continue
    echo "cluster.sh: node $n joins" >&2
    start_joiner "$n" || die "node $n did not join"
  done
  write_env
  print_status
}

cmd_stop() {
  if [[ ! -e $CL_DIR ]]; then echo "cluster stopped (nothing under $CL_DIR)"; return 0; fi
  check_marker
  lock_cluster_dir
  local n dir
  # Node 1 last: it is then the one safe to bootstrap from.
  for n in 3 2 1; do stop_node "$n"; done
  rm -f "$ENV_FILE"
  if [[ -f $SOCKET_DIR_FILE ]]; then
    dir=$(cat "$SOCKET_DIR_FILE")
    if [[ -n $dir && -f $dir/$MARKER_NAME ]]; then rm -f "$dir"/g?.sock "$dir"/g?.sock.lock "$dir/$MARKER_NAME"; rmdir "$dir" 2>/dev/null || true; fi
    rm -f "$SOCKET_DIR_FILE"
  fi
  echo "cluster stopped"
}

cmd_status() {
  if [[ ! -e $CL_DIR || ! -f $PORTS_FILE ]]; then echo "cluster stopped (nothing under $CL_DIR)"; exit 3; fi
  check_marker
  local n any=0
  print_status
  for n in "${NODES[@]}"; do pid_of "$n" >/dev/null && any=1; done
  (( SYNCED == ${#NODES[@]} )) && return 0
  (( any )) || exit 3
  exit 1
}

cmd_env() {
  [[ -f $ENV_FILE ]] || { echo "cluster.sh: the cluster under $CL_DIR is not running" >&2; exit 3; }
  check_marker
  local key value
  while IFS='=' read -r key value; do
    [[ -n $key ]] && printf 'export %s=%q\n' "$key" "$value"
  done <"$ENV_FILE"
}

cmd_kill() {
  local n=$1 pid
  node_arg "$n"
  check_marker
  pid=$(pid_of "$n") || { echo "node $n: not running"; return 0; }
  kill -KILL "$pid"
  while running "$pid"; do sleep 0.05; done
  echo "node $n: killed (pid $pid)"
}

cmd_restart() {
  local n=$1
  node_arg "$n"
  check_marker
  [[ -f $PORTS_FILE ]] || die "no cluster under $CL_DIR: run start first"
  lock_cluster_dir
  stop_node "$n"
  start_joiner "$n" || die "node $n did not rejoin"
  echo "node $n: Synced"
}

# The operator's step after a loss of quorum (doc/deployment.md): only when
# the other nodes are known to be dead, else two primaries (split brain).
cmd_bootstrap() {
  local n=$1
  node_arg "$n"
  check_marker
  pid_of "$n" >/dev/null || die "node $n is not running"
  sql "$n" "SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'" || die "node $n did not take pc.bootstrap"
  echo "node $n: $(status_var "$n" wsrep_cluster_status)"
}

main() {
  local cmd=${1:-} n=""
  case $cmd in
    kill|restart|bootstrap) [[ $# -ge 3 ]] || usage; n=$2; shift ;;
    start|stop|status|env) [[ $# -ge 2 ]] || usage ;;
    *) usage ;;
  esac
  set_paths "$2"
  shift 2
  MARIADBD=$(find_binary mariadbd)
  MARIADB=$(find_binary mariadb)
  case $cmd in
    start) cmd_start "$@" ;;
    stop) [[ $# -eq 0 ]] || usage; cmd_stop ;;
    status) [[ $# -eq 0 ]] || usage; cmd_status ;;
    env) [[ $# -eq 0 ]] || usage; cmd_env ;;
    kill) cmd_kill "$n" ;;
    restart) cmd_restart "$n" ;;
    bootstrap) cmd_bootstrap "$n" ;;
  esac
}

main "$@"
