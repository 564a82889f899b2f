#!/usr/bin/env bash
# tutor's own AVX2 kernels against OpenBLAS for the same products, as interleaved runs of one
# binary (TUTOR_KERNELS=blas, then the default), so that the machine's drift touches both alike.
# Prints each pair and, per network, the medians and the median of the per-pair ratios.
#   scripts/bench_kernels.sh [TUTOR_BINARY] [PAIRS] [SIZE]
set -euo pipefail
cd "$(dirname "$0")/.."
TUTOR=${1:-.build/release/tutor}
PAIRS=${2:-3}
SIZE=${3:-128}
[ -x "$TUTOR" ] || { echo "no $TUTOR: build it first (make build)" >&2; exit 1; }
if [ "$("$TUTOR" bench teacher --channels 8 --size 16 --runs 1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["own_kernels"])')" != "True" ]; then
  echo "tutor's kernels do not run on this machine (no AVX2 + FMA, or OpenBLAS has AVX-512 kernels);" \
       "TUTOR_KERNELS=avx2 forces them where the CPU allows" >&2
fi
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
log=$(mktemp)
for CH in 8,16,32,64 16,32,64,128; do
  for _ in $(seq "$PAIRS"); do
    for k in blas default; do
      echo "$CH $k $(TUTOR_KERNELS=$k "$TUTOR" bench teacher --channels $CH --size "$SIZE" --runs 2 --train --json)" | tee -a "$log"
    done
  done
done
python3 - "$log" <<'PY'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    ch, mode, j = line.split(" ", 2)
    runs.setdefault(ch, {}).setdefault(mode, []).append(json.loads(j))
print("\n| channels | what | OpenBLAS (median) | own kernels (median) | ratio (median of pairs) |")
print("| --- | --- | --- | --- | --- |")
for ch, m in runs.items():
    for key, what in (("median_s", "forward (s)"), ("train_median_s", "training step (s)"), ("train_over_forward", "step / forward")):
        a = [r[key] for r in m["blas"]]; b = [r[key] for r in m["default"]]
        ratio = statistics.median(y / x for x, y in zip(a, b))
        print(f"| {ch} | {what} | {statistics.median(a):.3f} | {statistics.median(b):.3f} | {ratio:.2f} |")
PY
rm -f "$log"
