#!/usr/bin/env bash
# Times `tutor segment` on lung1 (loading, lungs, both lung crops through the student, paste, write)
# against a reference run in the same script: `tutor preprocess` on the same CT (read, clip, z-score,
# resample to 1 x 1 x 1.5 mm, write). Usage: scripts/bench_segment.sh [TUTOR] [WEIGHTS]
# Without WEIGHTS, the bundled ensemble (every student-so*.safetensors, with mirroring), as a user runs it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tutor="${1:-$root/.build/release/tutor}"
weights="${2:-}"
ct=""; d="$root"   # ../shared beside the package root or beside one of its ancestors
while [ "$d" != "/" ]; do [ -f "$(dirname "$d")/shared/data/real/lung1/ct.nii.gz" ] && { ct="$(dirname "$d")/shared/data/real/lung1/ct.nii.gz"; break; }; d="$(dirname "$d")"; done
[ -n "$ct" ] || { echo "skip: shared/data/real/lung1/ct.nii.gz is absent"; exit 0; }
[ -x "$tutor" ] || { echo "skip: build tutor first (swift build -c release)"; exit 0; }
students=(); [ -z "$weights" ] || { [ -f "$weights" ] || { echo "skip: no student weights at $weights"; exit 0; }; students=(--weights "$weights"); }
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
best() { local b=999999; for _ in 1 2 3; do
    local s=$(date +%s.%N); "$@" >/dev/null; local e=$(date +%s.%N)
    b=$(echo "$b $s $e" | awk '{t=$3-$2; print (t<$1)?t:$1}'); done; echo "$b"; }
seg=$(best "$tutor" segment "$ct" "$out/mask.nii.gz" "${students[@]}")
ref=$(best "$tutor" preprocess "$ct" "$out/pre.nii.gz")
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1 /proc/loadavg)"
printf "tutor segment lung1:    %.2f s (best of 3)\n" "$seg"
printf "tutor preprocess lung1: %.2f s (reference)\n" "$ref"
echo "ratio segment / preprocess: $(echo "$seg $ref" | awk '{printf "%.2f", $1/$2}')"
