# shellcheck shell=bash
# Sourced by the benchmark scripts of bench/: the helpers they share (time,
# CPU, their run folder, stopping what they started, usage errors). Sets
# CLK_TCK.

# The calling script's header comment (line 2 to `set -euo`) as its usage,
# on stderr, exit 2; die: a message naming the script, exit 2.
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
die() { echo "$(basename "$0"): $*" >&2; exit 2; }

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }  # seconds since $1
say() { echo "[$(date -u +%T)] $*"; }

# shellcheck disable=SC2034  # used by the scripts that source this file
CLK_TCK="$(getconf CLK_TCK)"

# CPU ticks (user + system, all threads) of pid $1 so far; 0 when gone. The
# fields after "(comm) " start with the state, so utime/stime are 12 and 13.
cpu_ticks() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
  awk '{ print $12 + $13 }' <<<"${stat##*) }"
}

# How much of the two cores the machine gives us right now: one CPU-bound loop
# alone, then two at once. On a shared host this moves from about 2 cores free
# to about 1 within minutes, and the figures move with it (get at 8 in flight
# by about 2x), so each group of measurements is preceded by this check.
cpu_check() {
  local loop='BEGIN { for (i = 0; i < 4e6; i++) s += i }' one two
  local TIMEFORMAT=%R
  one=$( { time awk "$loop"; } 2>&1 )
  two=$( { time { awk "$loop" & awk "$loop"; wait; }; } 2>&1 )
  echo "# cpu check before $1: one loop ${one} s, two at once ${two} s:" \
    "$(awk -v a="$one" -v b="$two" 'BEGIN { printf "%.1f", 2 * a / b }') cores free"
}

# claim_run_dir DIR MARKER: makes DIR (under /tmp, as the script deletes it
# at the end) and the marker file MARKER in it, and prints DIR's physical
# path. Refuses (exit 2, a message on stderr) a DIR elsewhere, or one that
# holds files but not MARKER: never another's folder.
claim_run_dir() {
  local dir="$1" marker="$2" me
  me="$(basename "$0")"
  [[ "$dir" == /tmp/?* ]] || { echo "$me: --run-dir must be under /tmp (it is deleted at the end)" >&2; exit 2; }
  if [[ -d "$dir" && ! -f "$dir/$marker" && -n "$(ls -A "$dir")" ]]; then
    echo "$me: $dir exists and was not made by $me; refusing to use it" >&2
    exit 2
  fi
  mkdir -p "$dir"
  : >"$dir/$marker"
  dir="$(cd "$dir" && pwd -P)"
  [[ "$dir" == /tmp/?* ]] || { echo "$me: --run-dir must be under /tmp (it is deleted at the end)" >&2; exit 2; }
  echo "$dir"
}

# stop_process PID WHY: SIGTERM to a child of this shell, SIGKILL when it is
# still running 30 s later (saying so, with WHY), then reaps it.
stop_process() {
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 300); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$1" 2>/dev/null; then
    echo "# $2 ignored SIGTERM for 30 s; SIGKILL" >&2
    kill -KILL "$1" 2>/dev/null || true
  fi
  wait "$1" 2>/dev/null || true
}
