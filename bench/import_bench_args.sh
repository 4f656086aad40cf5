# Sourced by bench/enterprise_import_bench.sh and bench/decision_import_bench.sh:
# their common flags. Sets SERVER, TOKEN_FILE, SOCKET, DB, CSV and ADMIN
# (default: build/admin-cli/envcredit-admin) from "$@"; prints the calling
# script's header comment and exits 2 on a usage error.
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ADMIN="$REPO/build/admin-cli/envcredit-admin"
SERVER="" TOKEN_FILE="" SOCKET="" DB="" CSV=""
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --server) SERVER="${2:?}"; shift 2 ;;
    --token-file) TOKEN_FILE="${2:?}"; shift 2 ;;
    --socket) SOCKET="${2:?}"; shift 2 ;;
    --db) DB="${2:?}"; shift 2 ;;
    --csv) CSV="${2:?}"; shift 2 ;;
    --admin) ADMIN="${2:?}"; shift 2 ;;
    *) usage ;;
  esac
done
[[ -n $SERVER && -n $TOKEN_FILE && -n $SOCKET && -n $DB && -n $CSV ]] || usage
