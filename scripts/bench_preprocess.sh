#!/usr/bin/env bash
# Times the paper's whole-volume preprocessing side by side, in one run on one machine:
#   reference: nibabel load + clip [-1024, 1000] + z-score + scipy.ndimage.zoom(order=1) to 1x1x1.5 mm,
#              timed inside Python (imports excluded), without and with nib.save to .nii.gz;
#   tutor:     `tutor preprocess` as a whole process (start, read, preprocess, write), to .nii.gz and to .nii.
# Wall time and CPU time (user + sys, all threads) are both given: on a shared, loaded machine the
# CPU time is the steadier measure, the wall time the one a user feels.
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
import os, resource, statistics, subprocess, sys, time
import nibabel as nib, numpy as np
from scipy import ndimage
ct, runs, tutor, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]

def reference(save):
    w, c = time.perf_counter(), time.process_time()
    img = nib.load(ct)
    x = np.clip(np.asarray(img.dataobj, dtype=np.float32), -1024, 1000)
    x = (x - x.mean()) / x.std()
    zoom = np.array(img.header.get_zooms()[:3]) / np.array([1.0, 1.0, 1.5])
    y = ndimage.zoom(x, zoom, order=1)
    if save:
        nib.save(nib.Nifti1Image(y, img.affine), f"{out}/ref.nii.gz")
    return time.perf_counter() - w, time.process_time() - c, y.shape

def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime

def tutor_run(name):
    w, c = time.perf_counter(), children_cpu()
    subprocess.run([tutor, "preprocess", ct, f"{out}/{name}"], check=True)
    return time.perf_counter() - w, children_cpu() - c

rows = {k: [] for k in ("ref", "ref+save", "gz", "nii")}
for _ in range(runs):           # interleaved, so load on the machine hits all alike
    *t, shape = reference(False); rows["ref"].append(t)
    *t, _ = reference(True); rows["ref+save"].append(t)
    rows["gz"].append(tutor_run("pp.nii.gz"))
    rows["nii"].append(tutor_run("pp.nii"))
ours = nib.load(f"{out}/pp.nii.gz")
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
print(f"machine: {os.cpu_count()} cores, {cpu}; load average {os.getloadavg()[0]:.1f} at the end")
print(f"volume: {ct}; scipy output {shape}, tutor output {ours.shape}; {runs} runs each, medians (wall / CPU):")
med = lambda k, i: statistics.median(r[i] for r in rows[k])
names = {"ref": "nibabel+scipy, no write", "ref+save": "nibabel+scipy + nib.save .nii.gz",
         "gz": "tutor preprocess -> .nii.gz", "nii": "tutor preprocess -> .nii"}
for k in rows:
    line = f"  {names[k]:34s} {med(k, 0):6.3f} s wall {med(k, 1):6.3f} s CPU"
    if k in ("gz", "nii"):
        line += f"   vs no-write reference: wall {med(k, 0) / med('ref', 0):5.1%}, CPU {med(k, 1) / med('ref', 1):5.1%}"
        if k == "gz":
            line += f"; vs reference with .nii.gz write: wall {med(k, 0) / med('ref+save', 0):5.1%}"
    print(line)
PY
