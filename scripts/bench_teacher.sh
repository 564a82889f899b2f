#!/usr/bin/env bash
# Times the teacher UNet3D's forward pass (and a training step) with tutor's engine and with
# onnxruntime on the same network, side by side, on a 2-channel 128³ input and 2 threads.
#   scripts/bench_teacher.sh [TUTOR_BINARY] [PAIRS]
# Prints one JSON line per measurement, then a Markdown table with the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
TUTOR=${1:-.build/release/tutor}
PAIRS=${2:-4}
THREADS=2
SIZE=128
# The reference lives in shared/tools, a sibling of the repository or of one of its parents.
REF=""
dir=$(pwd)
while [ "$dir" != "/" ]; do
  [ -f "$dir/shared/tools/unet_ref.py" ] && { REF="$dir/shared/tools/unet_ref.py"; break; }
  dir=$(dirname "$dir")
done
[ -x "$TUTOR" ] || { echo "no $TUTOR: build it first (make build)" >&2; exit 1; }
have_ref=1
if [ -z "$REF" ] || ! python3 -c "import onnxruntime, onnx, safetensors, numpy" 2>/dev/null; then
  echo "onnxruntime reference not available (shared/tools/unet_ref.py, python3 with onnxruntime): timing tutor alone" >&2
  have_ref=0
fi

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# tutor and onnxruntime alternate, PAIRS times per network, so that a drift in the VM's speed
# touches both alike; the ratio is the median of the per-pair ratios.
log=$(mktemp)
for CH in 8,16,32,64 16,32,64,128; do
  for _ in $(seq "$PAIRS"); do
    ours=$("$TUTOR" bench teacher --channels $CH --in-channels 2 --size $SIZE --threads $THREADS --runs 2 --train --json)
    echo "$ours"; echo "tutor $CH $ours" >> "$log"
    if [ $have_ref = 1 ]; then
      ref=$(python3 "$REF" time --channels $CH --in 2 --size $SIZE --threads $THREADS --repeat 2)
      echo "$ref"; echo "onnx $CH $ref" >> "$log"
    fi
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$log" <<'PY'
import json, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    who, ch, j = line.split(" ", 2)
    runs.setdefault(ch, {}).setdefault(who, []).append(json.loads(j))
med = statistics.median
print("\n| channels | pairs | tutor forward (s) | onnxruntime (s) | tutor / onnxruntime | GFLOP/s | peak RSS (MB) | training step (s) | step / forward | training peak RSS (MB) |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for ch, m in runs.items():
    t = m["tutor"]; o = m.get("onnx", [])
    spread = lambda xs: f"{med(xs):.2f} ({min(xs):.2f}–{max(xs):.2f})"   # median (per-pair range)
    ratio = spread([a['median_s'] / b['median_s'] for a, b in zip(t, o)]) if o else "n/a"
    onnx = f"{med(b['median_s'] for b in o):.3f}" if o else "n/a"
    print(f"| {ch} | {len(t)} | {med(a['median_s'] for a in t):.3f} | {onnx} | {ratio} | {med(a['gflops_per_s'] for a in t):.1f} | "
          f"{max(a['peak_rss_mb'] for a in t)} | {med(a['train_median_s'] for a in t):.3f} | "
          f"{spread([a['train_over_forward'] for a in t])} | {max(a['train_peak_rss_mb'] for a in t)} |")
PY
rm -f "$log"
