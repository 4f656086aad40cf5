# shellcheck shell=bash
# Sourced by bench/rating_bench.sh, bench/rescore_bench.sh and
# bench/cluster_bench.sh: the CPU helpers they share. Sets CLK_TCK.

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
