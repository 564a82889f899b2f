#!/usr/bin/env bash
# Times the teacher UNet3D's forward pass (and a training step) with tutor's engine and with
# onnxruntime on the same network, side by side, on a 2-channel 128³ input and 2 threads.
#   scripts/bench_teacher.sh [TUTOR_BINARY] [RUNS]
# Prints one JSON line per measurement, then a Markdown table with the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
TUTOR=${1:-.build/release/tutor}
RUNS=${2:-5}
THREADS=2
SIZE=128
REF=../shared/tools/unet_ref.py
[ -x "$TUTOR" ] || { echo "no $TUTOR: build it first (make build)" >&2; exit 1; }
have_ref=1
if [ ! -f "$REF" ] || ! python3 -c "import onnxruntime, onnx, safetensors, numpy" 2>/dev/null; then
  echo "onnxruntime reference not available ($REF, python3 with onnxruntime): timing tutor alone" >&2
  have_ref=0
fi
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], ''))" "$1" "$2"; }

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
rows=()
for CH in 8,16,32,64 16,32,64,128; do
  ours=$("$TUTOR" bench teacher --channels $CH --in-channels 2 --size $SIZE --threads $THREADS --runs "$RUNS" --train --json)
  echo "$ours"
  ref_s=""
  if [ $have_ref = 1 ]; then
    ref=$(python3 "$REF" time --channels $CH --in 2 --size $SIZE --threads $THREADS --repeat "$RUNS")
    echo "$ref"
    ref_s=$(field "$ref" median_s)
  fi
  rows+=("$CH|$(field "$ours" median_s)|$ref_s|$(field "$ours" gflops_per_s)|$(field "$ours" peak_rss_mb)|$(field "$ours" train_median_s)|$(field "$ours" train_over_forward)|$(field "$ours" train_peak_rss_mb)")
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| channels | tutor forward (s) | onnxruntime (s) | tutor / onnxruntime | GFLOP/s | peak RSS (MB) | training step (s) | step / forward | training peak RSS (MB) |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for r in "${rows[@]}"; do
  IFS='|' read -r ch f o g m t tf tm <<<"$r"
  ratio=$([ -n "$o" ] && python3 -c "print(f'{$f/$o:.2f}')" || echo "n/a")
  echo "| $ch | $f | ${o:-n/a} | $ratio | $g | $m | $t | $tf | $tm |"
done
