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
# .run/db, the server's log in .run/server.log, the admin token in
# .run/admin.token, the generated CSV files. ENVCREDIT_BUILD_DIR and
# ENVCREDIT_RUN_DIR override build/ and .run/ (e.g. a second demo beside a
# running one).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${ENVCREDIT_BUILD_DIR:-$ROOT/build}
RUN=${ENVCREDIT_RUN_DIR:-$ROOT/.run}
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
# The records are dated back from "today" (in China, the server's today).
# The first run's date is kept, so a re-run on a later day generates the
# same files and the imports store nothing twice.
[[ -s $RUN/demo-today ]] || date -u -d '+8 hours' +%F >"$RUN/demo-today"
TODAY=$(cat "$RUN/demo-today")
# The demo server reads its date from .run/today (--today_file): publishing a
# list takes a 15-day public notice, and the demo moves its clock past it.
[[ -s $RUN/today ]] || echo "$TODAY" >"$RUN/today"
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
# The first start against a fresh database writes an ADMIN token to
# .run/admin.token (owner-only); envcredit-admin reads it through
# $ENVCREDIT_TOKEN_FILE.
nohup "$BUILD/server/envcredit-server" --listen="127.0.0.1:$port" \
  --port_file="$RUN/server.port" --db_name=envcredit --db_create \
  --admin_token_file="$RUN/admin.token" --today_file="$RUN/today" \
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
[[ -s $RUN/admin.token ]] || {
  echo "no admin token in $RUN/admin.token: the database has one but the file is gone;" \
    "run scripts/demo.sh stop, remove $RUN/db and start again" >&2
  exit 1
}
export ENVCREDIT_TOKEN_FILE=$RUN/admin.token

echo
echo "== Loading the demo dataset (fictional enterprises and their records) =="
"$BUILD/demo/envcredit-demo-data" --count 300 --seed 20261125 --today "$TODAY" \
  --records_dir "$RUN" "$RUN/demo-enterprises.csv"
"$ADMIN" enterprises import "$RUN/demo-enterprises.csv"
# Decisions first: complaints link to them. Then commitments and incidents.
for kind in decisions complaints commitments incidents; do
  echo "-- import $kind"
  "$ADMIN" import "$kind" "$RUN/$kind.csv"
done

echo
echo "== Revoking one decision (administrative review) =="
# shellcheck disable=SC1091
source "$RUN/revoke.env"
# A fixed request id: a re-run replays the revocation instead of failing.
revoke_id="demo-revoke-$(printf '%s' "$REVOKE_AUTHORITY$REVOKE_NUMBER" | sha256sum | cut -c1-16)"
"$ADMIN" decisions revoke --credit-code "$REVOKE_CREDIT_CODE" \
  --authority "$REVOKE_AUTHORITY" --number "$REVOKE_NUMBER" \
  --date "$REVOKE_DATE" --reason "$REVOKE_REASON" --note "$REVOKE_NOTE" \
  --request-id "$revoke_id"

echo
echo "== Decisions of $REVOKE_CREDIT_CODE: the revoked one stays visible =="
"$ADMIN" decisions list --credit-code "$REVOKE_CREDIT_CODE"

# The first enterprise of decisions.csv has the scripted recurrence story.
story=$(sed -n 2p "$RUN/decisions.csv" | cut -d, -f1)
echo
echo "== $story: a complaint, a fine, a rectification commitment broken, and the 回头看 recurrence =="
"$ADMIN" decisions list --credit-code "$story"
"$ADMIN" complaints list --credit-code "$story"
"$ADMIN" commitments list --credit-code "$story"

echo
echo "== $story: its rating, and why (SPEC §5.1 explanation) =="
"$ADMIN" ratings get "$story" --explain

echo
echo "== $REVOKE_CREDIT_CODE: how its rating changed: its decisions, then the revocation =="
"$ADMIN" ratings history "$REVOKE_CREDIT_CODE" --all-changes

echo
echo "== Enterprises rated RED or BLACK (first 10) =="
"$ADMIN" ratings list --level RED --level BLACK --page-size 10

echo
echo "== A bank's batch lookup: five customers, a valid code the registry does not know, a mistyped one =="
batch=$("$ADMIN" --output csv enterprises list --page-size 5 2>/dev/null | sed -n '2,6p' | cut -d, -f1 | sed 's|^enterprises/||' | paste -sd, -)
"$ADMIN" ratings batch "$batch,91320100MA1N2B3C8C,91320100MA1XXXXX0G" ||
  echo "(exit code $? — one code is unknown or invalid, reported on its own row)"

echo
echo "== The change feed from its start (first 5 events; resume with --after CURSOR) =="
"$ADMIN" ratings watch --from-start --all-changes --max-events 5

# A Nanjing enterprise (default policy) transferred for criminal
# investigation: −12 points for 12 months, so BLACK — a black-list candidate.
black_story=$(grep -m1 '^913201' "$RUN/demo-enterprises.csv" | cut -d, -f1 || true)
if [[ -n $black_story ]]; then
  echo
  echo "== $black_story: transferred for criminal investigation (移送涉嫌环境犯罪) → BLACK =="
  "$ADMIN" decisions create --credit-code "$black_story" --authority 南京市生态环境局 \
    --number "宁环移〔$(date -d "$TODAY" +%Y)〕1号" --violation-type ILLEGAL_HAZARDOUS_WASTE_DISPOSAL \
    --date "$(date -d "$TODAY - 5 days" +%F)" --measures TRANSFER_FOR_CRIMINAL_INVESTIGATION >/dev/null
  "$ADMIN" ratings get "$black_story"
fi

echo
echo "== Publishing the lists: propose, public notice (公示, 15 days), publish =="
# Re-runs continue where the last run stopped and publish nothing twice.
state_of() {
  "$ADMIN" --output json lists show "$1" 2>/dev/null |
    /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin).get("state",""))' 2>/dev/null || true
}
for list in black honor; do
  state=$(state_of "$list")
  if [[ $state == PUBLICATION_PUBLISHED ]]; then
    echo "-- the $list list is published already"
    continue
  fi
  if [[ $state != PUBLICATION_NOTICE ]]; then
    echo "-- propose the $list list as of $(cat "$RUN/today")"
    "$ADMIN" lists propose "$list"
  fi
  if [[ $list == black ]]; then
    echo "-- public notice; a notice (告知书) to each candidate: $RUN/notices/notices.html"
    "$ADMIN" lists notice black --export "$RUN/notices" --issuer "$ROOT/demo/issuer.conf"
  else
    echo "-- public notice"
    "$ADMIN" lists notice honor
  fi
done
# The rated enterprise as a user (doc/access.md "The enterprise's own
# token"): the black-list candidate gets a token bound to its credit code,
# signs a public credit commitment itself (+1 point, SPEC §5.1), and objects
# to the notice that names it; a regulator decides from the queue.
if [[ -n $black_story ]]; then
  ENT_TOKEN=$RUN/enterprise.token
  if [[ ! -s $ENT_TOKEN ]]; then
    echo
    echo "== A token for $black_story's own staff (ENTERPRISE, bound to its credit code) =="
    "$ADMIN" --output json tokens create --role ENTERPRISE --label "demo-ent-${black_story: -6}" \
      --credit-code "$black_story" 2>/dev/null |
      /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])' >"$ENT_TOKEN.tmp"
    chmod 600 "$ENT_TOKEN.tmp" && mv "$ENT_TOKEN.tmp" "$ENT_TOKEN"
  fi
  as_enterprise() { ENVCREDIT_TOKEN_FILE=$ENT_TOKEN "$ADMIN" "$@"; }
  echo
  echo "== $black_story, signed in as itself: its rating before signing a commitment =="
  as_enterprise ratings get "$black_story"
  echo "-- it signs and publishes a credit commitment (信用承诺书, 亮诺) online"
  as_enterprise commitments create --credit-code "$black_story" --kind CREDIT_COMMITMENT \
    --signer 法定代表人 --signing-date "$(cat "$RUN/today")" --public \
    --item "$(date -d "$(cat "$RUN/today") + 90 days" +%F):完成整改并公开整改报告" \
    --request-id "demo-ent-commitment-$black_story" >/dev/null
  echo "-- its rating after: one point more (the commitment bonus)"
  as_enterprise ratings get "$black_story"
  echo "-- another enterprise's rating is not its to read:"
  as_enterprise ratings get "$story" || echo "(exit code $? — PERMISSION_DENIED, NOT_OWN_ENTERPRISE)"
  if [[ $(state_of black) == PUBLICATION_NOTICE ]]; then
    echo "-- it objects to the black-list notice that names it, citing its evidence"
    as_enterprise lists objection file black --credit-code "$black_story" \
      --statement "该处罚决定已申请行政复议，请暂缓列入" --evidence "行政复议申请书（示例）" \
      --request-id "demo-ent-objection-$black_story"
    echo "-- the regulator's queue of pending objections"
    "$ADMIN" lists objections black --pending
    objection=$("$ADMIN" --output json lists objections black --pending 2>/dev/null |
      /usr/bin/python3 -c 'import json,sys; o=json.load(sys.stdin); print(o[0]["name"] if o else "")')
    if [[ -n $objection ]]; then
      "$ADMIN" lists decide "$objection" --rejected --reason "复议期间不停止执行，处罚决定有效" \
        --request-id "demo-decide-$black_story" >/dev/null
    fi
    echo "-- the enterprise sees the decision and its reason"
    as_enterprise lists objections black --credit-code "$black_story"
  fi
  echo "-- anyone, without a token: the public result (no points, no records)"
  env -u ENVCREDIT_TOKEN_FILE -u ENVCREDIT_TOKEN "$ADMIN" ratings lookup --credit-code "$black_story"
fi

# The notice lasts 15 days: the demo's clock moves to the day after it.
notice_end=$(for list in black honor; do
  "$ADMIN" --output json lists show "$list" 2>/dev/null |
    /usr/bin/python3 -c 'import json,sys
p=json.load(sys.stdin)
d=p.get("notice_end_date")
if p.get("state")=="PUBLICATION_NOTICE" and d: print("%04d-%02d-%02d" % (d["year"], d["month"], d["day"]))' 2>/dev/null
done | sort | tail -1)
if [[ -n $notice_end ]]; then
  date -d "$notice_end + 1 day" +%F >"$RUN/today"
  echo "-- (the demo's clock moves to $(cat "$RUN/today"), after the notice period)"
fi
for list in black honor; do
  if [[ $(state_of "$list") == PUBLICATION_NOTICE ]]; then
    "$ADMIN" lists publish "$list"
  fi
done

echo
echo "== The signed publication folders, verified offline =="
KEYS=$RUN/keys
[[ -f $KEYS/envcredit.key.pem ]] || "$ADMIN" keys generate --out-dir "$KEYS"
for list in black honor; do
  "$ADMIN" lists export "$list" --out "$RUN/publications" --key "$KEYS/envcredit.key.pem" \
    --issuer "$ROOT/demo/issuer.conf"
  "$ADMIN" lists verify "$RUN/publications/$list" --chain --public-key "$KEYS/envcredit.pub.pem"
done

echo
echo "== The latest audit entries =="
"$ADMIN" audit list --page-size 5 2>/dev/null

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

The published lists: $RUN/publications/index.html (every publication of both lists)
  (open it in a browser; each folder, e.g. black/1/, is signed; verify with
   $ADMIN lists verify $RUN/publications/black --chain --public-key $KEYS/envcredit.pub.pem)

envcredit-server is running at $ADDRESS (log: $RUN/server.log).
  Query it:  export ENVCREDIT_SERVER=$ADDRESS ENVCREDIT_TOKEN_FILE=$RUN/admin.token
             $ADMIN enterprises list --name-contains 化工
             $ADMIN decisions list --credit-code $story
             $ADMIN ratings get $story --explain
             $ADMIN ratings watch --from-start
  Stop it:   ${ENVCREDIT_RUN_DIR:+ENVCREDIT_RUN_DIR=$RUN }scripts/demo.sh stop
EOT
