#!/usr/bin/env bash
# Samples a command's resident memory (VmRSS) every 0.1 s while it runs, for a plot of where its
# memory goes (Docs/tools/plot_memory.py).
#   scripts/memory_timeline.sh LABEL OUT.csv COMMAND [ARGS…]
# Appends rows "label,seconds,rss_mb" to OUT.csv (writes the header when the file is new) and
# prints the command's peak (VmHWM) at the end.
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 LABEL OUT.csv COMMAND [ARGS...]" >&2; exit 2; }
label=$1; out=$2; shift 2
[ -s "$out" ] || echo "label,seconds,rss_mb" > "$out"
"$@" > /dev/null &
pid=$!
start=$(date +%s.%N)
peak=0
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status" 2>/dev/null || true)
  hwm=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$pid/status" 2>/dev/null || true)
  [ -n "$hwm" ] && peak=$hwm
  [ -n "$rss" ] && echo "$label,$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { printf "%.2f", a - b }'),$rss" >> "$out"
  sleep 0.1
done
wait "$pid"
echo "$label: peak $peak MB"
