#!/usr/bin/env bash
# `tutor model forward` end to end: parity on the shared fixture, and clear refusals.
#   Tests/e2e/model_forward.sh TUTOR_BINARY
set -euo pipefail
TUTOR=$(realpath "${1:-.build/release/tutor}")
cd "$(dirname "$0")/../.."
FIX=""
dir=$(pwd)
while [ "$dir" != "/" ]; do
  [ -d "$dir/shared/fixtures/unet3d-small" ] && { FIX="$dir/shared/fixtures/unet3d-small"; break; }
  dir=$(dirname "$dir")
done
[ -n "$FIX" ] || { echo "skip: shared/fixtures/unet3d-small not found"; exit 0; }
python3 -c "import safetensors, numpy" 2>/dev/null || { echo "skip: python3 with safetensors and numpy not available"; exit 0; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

"$TUTOR" model forward --weights "$FIX/weights.safetensors" --input "$FIX/input.safetensors" --output "$tmp/out.safetensors"
python3 - "$tmp/out.safetensors" "$FIX/expected.safetensors" <<'PY'
import sys, numpy as np
from safetensors.numpy import load_file
a, b = load_file(sys.argv[1])["output"], load_file(sys.argv[2])["output"]
assert a.shape == b.shape, (a.shape, b.shape)
err = float(np.linalg.norm(a - b) / np.linalg.norm(b))
assert err < 1e-4, err
print(f"model forward: relative error {err:.2e} against onnxruntime")
PY

# An input whose size is not divisible by 2^(levels-1) is refused in one sentence, no output written.
python3 -c "
import numpy as np; from safetensors.numpy import save_file
save_file({'input': np.zeros((1, 2, 30, 32, 32), np.float32)}, '$tmp/odd.safetensors')"
if "$TUTOR" model forward --weights "$FIX/weights.safetensors" --input "$tmp/odd.safetensors" --output "$tmp/odd-out.safetensors" 2>"$tmp/err"; then
  echo "FAIL: an input of 30×32×32 was accepted"; exit 1
fi
grep -q "not divisible by 4" "$tmp/err" || { echo "FAIL: unexpected message: $(cat "$tmp/err")"; exit 1; }
[ ! -e "$tmp/odd-out.safetensors" ] || { echo "FAIL: an output was written"; exit 1; }

# A truncated weights file is refused.
head -c 50000 "$FIX/weights.safetensors" > "$tmp/cut.safetensors"
if "$TUTOR" model forward --weights "$tmp/cut.safetensors" --input "$FIX/input.safetensors" --output "$tmp/x.safetensors" 2>"$tmp/err"; then
  echo "FAIL: a truncated weights file was accepted"; exit 1
fi
grep -q "truncated" "$tmp/err" || { echo "FAIL: unexpected message: $(cat "$tmp/err")"; exit 1; }
echo "model forward: refusals ok"
