#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, starts the
# private MariaDB and envcredit-server, loads the demo dataset, shows what
# exists, and leaves the server running.
#
#   scripts/demo.sh          bring everything up (idempotent: a re-run reuses
#                            the running database and restarts the server)
#   scripts/demo.sh stop     stop the server and the private database
#
# Everything it runs lives in .run/ (ignored by git): the database in
# .run/db, the server's log in .run/server.log.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${ENVCREDIT_BUILD_DIR:-$ROOT/build}
RUN=$ROOT/.run
ADMIN=$BUILD/admin-cli/envcredit-admin

stop_server() {
  if [[ -f $RUN/server.pid ]]; then
    local pid
    pid=$(cat "$RUN/server.pid")
    # Only a process that is really our server: its command line names it.
    if [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q envcredit-server; then
      kill -TERM "$pid"
      for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    fi
    rm -f "$RUN/server.pid"
  fi
}

if [[ ${1:-} == stop ]]; then
  stop_server
  "$ROOT/scripts/db.sh" stop "$RUN"
  echo "envcredit demo stopped."
  exit 0
fi

"$ROOT/scripts/setup.sh"
mkdir -p "$RUN"
"$ROOT/scripts/db.sh" start "$RUN" >/dev/null
set -a
# shellcheck disable=SC1091
source "$RUN/db/db.env"
set +a

stop_server
# 50051 is the documented default; take any free port when it is busy.
port=50051
if ! /usr/bin/python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1",50051))' 2>/dev/null; then
  port=0
fi
rm -f "$RUN/server.port"
nohup "$BUILD/server/envcredit-server" --listen="127.0.0.1:$port" \
  --port_file="$RUN/server.port" --db_name=envcredit --db_create \
  --policy_dir="$ROOT/policies" >"$RUN/server.log" 2>&1 &
echo $! >"$RUN/server.pid"
for _ in $(seq 1 600); do
  [[ -s $RUN/server.port ]] && break
  kill -0 "$(cat "$RUN/server.pid")" 2>/dev/null || { cat "$RUN/server.log" >&2; exit 1; }
  sleep 0.05
done
[[ -s $RUN/server.port ]] || { echo "server did not start; see $RUN/server.log" >&2; exit 1; }
ADDRESS=127.0.0.1:$(cat "$RUN/server.port")
export ENVCREDIT_SERVER=$ADDRESS

echo
echo "== Loading the demo dataset (fictional enterprises) =="
"$BUILD/demo/envcredit-demo-data" --count 300 --seed 20261125 "$RUN/demo-enterprises.csv"
"$ADMIN" enterprises import "$RUN/demo-enterprises.csv"

echo
echo "== Enterprises in Nanjing (region 3201), first page =="
"$ADMIN" enterprises list --region-prefix 3201 --page-size 10 2>/dev/null

echo
echo "== One enterprise in full =="
first=$("$ADMIN" --output csv enterprises list --page-size 1 2>/dev/null | sed -n 2p | cut -d, -f1)
first=${first#enterprises/}
"$ADMIN" --output json enterprises get "$first"

echo
echo "== An invalid credit code is refused, naming the field and the failed check =="
"$ADMIN" enterprises create --credit-code 91330106123456789A --name "（虚构）示例" \
  --industry OTHER || echo "(exit code $? — invalid input, as expected)"

cat <<EOT

envcredit-server is running at $ADDRESS (log: .run/server.log).
  Query it:  export ENVCREDIT_SERVER=$ADDRESS
             $ADMIN enterprises list --name-contains 化工
  Stop it:   scripts/demo.sh stop
EOT
