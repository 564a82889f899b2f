#!/usr/bin/env bash
# Times the paper's whole-volume preprocessing side by side, in one run on one machine:
#   reference: nibabel load + clip [-1024, 1000] + z-score + scipy.ndimage.zoom(order=1) to 1x1x1.5 mm,
#              timed inside Python (imports excluded, nothing written);
#   tutor:     `tutor preprocess` as a whole process (start, read, preprocess, write), to .nii.gz and to .nii.
# Usage: scripts/bench_preprocess.sh [CT] [RUNS]   (release build of tutor is made if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
CT=${1:-../shared/data/real/lung1/ct.nii.gz}
RUNS=${2:-5}
TUTOR=.build/release/tutor
[ -f "$CT" ] || { echo "skip: $CT is absent"; exit 0; }
python3 -c "import nibabel, scipy" 2>/dev/null || { echo "skip: python3 with nibabel and scipy is absent"; exit 0; }
[ -x "$TUTOR" ] || swift build -c release --product tutor >/dev/null
OUT=$(mktemp -d); trap 'rm -rf "$OUT"' EXIT

python3 - "$CT" "$RUNS" "$TUTOR" "$OUT" <<'PY'
import statistics, subprocess, sys, time
import nibabel as nib, numpy as np
from scipy import ndimage
ct, runs, tutor, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]

def reference():
    t = time.perf_counter()
    img = nib.load(ct)
    x = np.clip(np.asarray(img.dataobj, dtype=np.float32), -1024, 1000)
    x = (x - x.mean()) / x.std()
    zoom = np.array(img.header.get_zooms()[:3]) / np.array([1.0, 1.0, 1.5])
    y = ndimage.zoom(x, zoom, order=1)
    return time.perf_counter() - t, y.shape

def tutor_run(name):
    t = time.perf_counter()
    subprocess.run([tutor, "preprocess", ct, f"{out}/{name}"], check=True)
    return time.perf_counter() - t

ref, gz, nii = [], [], []
for _ in range(runs):           # interleaved so load on the machine hits all three alike
    dt, shape = reference(); ref.append(dt)
    gz.append(tutor_run("pp.nii.gz"))
    nii.append(tutor_run("pp.nii"))
ours = nib.load(f"{out}/pp.nii.gz")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
import os
print(f"machine: {os.cpu_count()} cores, {cpu}; load average {os.getloadavg()[0]:.1f}")
print(f"volume: {ct}; scipy output {shape}, tutor output {ours.shape}; {runs} runs each, medians:")
m = statistics.median
print(f"  nibabel+scipy (in-process)      {m(ref):6.3f} s")
print(f"  tutor preprocess -> .nii.gz     {m(gz):6.3f} s   ratio {m(gz) / m(ref):5.1%}")
print(f"  tutor preprocess -> .nii        {m(nii):6.3f} s   ratio {m(nii) / m(ref):5.1%}")
PY
