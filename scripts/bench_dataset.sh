#!/usr/bin/env bash
# Dataset store benchmark: imports N small cases (a third strong, a third with boxes, a third image
# only) with `tutor dataset import --pairs`, then times `tutor dataset status --json`.
# References run in the same script on the same files:
#   import  vs. copying the same files durably (python: copy + fsync per file, no index);
#   status  vs. the same GROUP BY in the sqlite3 shell.
# Usage: scripts/bench_dataset.sh [N=10000] [TUTOR=.build/release/tutor]
set -euo pipefail
N=${1:-10000}
TUTOR=${2:-.build/release/tutor}
[ -x "$TUTOR" ] || { echo "build first: swift build -c release --product tutor" >&2; exit 1; }
python3 -c 'import nibabel, numpy' 2>/dev/null || { echo "skipped: python3 with nibabel and numpy is needed to write the test volumes"; exit 0; }
command -v sqlite3 >/dev/null || { echo "skipped: the sqlite3 shell is needed for the reference"; exit 0; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tutor-bench-dataset.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/pairs/images" "$work/pairs/labels" "$work/pairs/boxes"
python3 - "$work" <<'PY'
import sys, numpy as np, nibabel as nib
w = sys.argv[1]
ct = (np.arange(32 * 32 * 16) % 400 - 200).reshape(32, 32, 16).astype(np.int16)
mask = np.zeros((32, 32, 16), np.uint8); mask[10:20, 12:18, 5:9] = 1
aff = np.diag([0.8, 0.8, 2.5, 1.0])
nib.save(nib.Nifti1Image(ct, aff), f"{w}/ct.nii.gz")
nib.save(nib.Nifti1Image(mask, aff), f"{w}/mask.nii.gz")
PY
printf 'slice,x_min,y_min,x_max,y_max\n5,10,12,19,17\n6,10,12,19,17\n' > "$work/boxes.csv"
for ((n = 0; n < N; n++)); do
  id=$(printf 'case%05d' "$n")
  cp "$work/ct.nii.gz" "$work/pairs/images/$id.nii.gz"
  case $((n % 3)) in
    0) cp "$work/mask.nii.gz" "$work/pairs/labels/$id.nii.gz" ;;
    1) cp "$work/boxes.csv" "$work/pairs/boxes/$id.csv" ;;
  esac
done

now() { echo "$EPOCHREALTIME"; }   # bash 5: no process start in the measurement
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

"$TUTOR" dataset init "$work/ds" --name bench >/dev/null
t0=$(now); "$TUTOR" dataset import "$work/ds" --pairs "$work/pairs" --user bench >/dev/null; t1=$(now)
import_s=$(awk "BEGIN {print $t1 - $t0}")

copy_s=$(python3 - "$work" <<'PY'
import os, sys, time, shutil
w = sys.argv[1]; out = f"{w}/copy"; os.makedirs(out)
files = [f"{w}/pairs/{d}/{f}" for d in ("images", "labels", "boxes") for f in sorted(os.listdir(f"{w}/pairs/{d}"))]
t = time.monotonic()
for n, src in enumerate(files):
    dst = f"{out}/{n}"
    shutil.copyfile(src, dst)
    fd = os.open(dst, os.O_RDONLY); os.fsync(fd); os.close(fd)
print(time.monotonic() - t)
PY
)

status_runs=(); ref_runs=()
for run in 1 2 3 4 5 6 7; do
  t0=$(now); "$TUTOR" dataset status "$work/ds" --json >/dev/null; t1=$(now)
  status_runs+=("$(awk "BEGIN {print $t1 - $t0}")")
  t0=$(now); sqlite3 "$work/ds/tutor.sqlite" "SELECT state, updatedBy, COUNT(*) FROM cases GROUP BY state, updatedBy" >/dev/null; t1=$(now)
  ref_runs+=("$(awk "BEGIN {print $t1 - $t0}")")
done
status_s=$(printf '%s\n' "${status_runs[@]}" | median)
ref_s=$(printf '%s\n' "${ref_runs[@]}" | median)
counts=$("$TUTOR" dataset status "$work/ds" --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["cases"], d["strong"], d["weak"])')

python3 - "$N" "$import_s" "$copy_s" "$status_s" "$ref_s" "$counts" <<'PY'
import sys, platform, os
n, imp, cp, st, ref = int(sys.argv[1]), *map(float, sys.argv[2:6])
cases, strong, weak = sys.argv[6].split()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
print(f"machine: {cpu}, {os.cpu_count()} cores; {cases} cases ({strong} strong, {weak} weak)")
print("| what | time | reference (same script) | ratio |")
print("| --- | --- | --- | --- |")
print(f"| `tutor dataset status --json`, {n} cases (median of 7, whole process) | {st*1000:.0f} ms | sqlite3 shell GROUP BY: {ref*1000:.0f} ms | {st/ref:.1f}× |")
print(f"| `tutor dataset import --pairs`, {n} cases | {imp:.1f} s ({imp/n*1000:.1f} ms/case) | copy + fsync of the same files: {cp:.1f} s | {imp/cp:.1f}× |")
PY
