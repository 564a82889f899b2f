#!/usr/bin/env bash
# End to end: `tutor info` and `tutor preprocess` on files, good and bad. Usage: volumes.sh TUTOR
set -euo pipefail
TUTOR=$(realpath "$1")
cd "$(dirname "$0")/../.."
DIR=$(mktemp -d); trap 'rm -rf "$DIR"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Bad input: one sentence on stderr naming the file, non-zero exit, nothing on stdout.
printf 'not a volume, just words' > "$DIR/garbage.nii.gz"
for f in "$DIR/garbage.nii.gz" "$DIR/absent.nii"; do
  if "$TUTOR" info "$f" >"$DIR/out" 2>"$DIR/err"; then fail "info $f succeeded"; fi
  [ "$(wc -l <"$DIR/err")" -eq 1 ] || fail "info $f: expected one line on stderr, got: $(cat "$DIR/err")"
  grep -q "$f" "$DIR/err" || fail "info $f: the message does not name the file"
  [ ! -s "$DIR/out" ] || fail "info $f printed to stdout"
done
if "$TUTOR" preprocess "$DIR/garbage.nii.gz" "$DIR/out.nii.gz" 2>/dev/null; then fail "preprocess of garbage succeeded"; fi
[ ! -e "$DIR/out.nii.gz" ] || fail "preprocess of garbage left an output file"
if "$TUTOR" preprocess "$DIR/garbage.nii.gz" "$DIR/o.nii.gz" --spacing 1,0 2>"$DIR/err"; then fail "bad --spacing accepted"; fi
grep -q -- "--spacing" "$DIR/err" || fail "bad --spacing: $(cat "$DIR/err")"

# The real CT lives in a shared/ folder beside the repository or one of its ancestors.
LUNG1=""; d=$(pwd)
while [ "$d" != / ]; do d=$(dirname "$d"); [ -d "$d/shared/data/real/lung1" ] && { LUNG1="$d/shared/data/real/lung1"; break; }; done
CT="$LUNG1/ct.nii.gz"
if [ -n "$LUNG1" ] && [ -f "$CT" ]; then
  "$TUTOR" info "$CT" >"$DIR/info"
  grep -q "512×512×48" "$DIR/info" || fail "info size: $(cat "$DIR/info")"
  grep -q "0.570312 × 0.570312 × 5 mm" "$DIR/info" || fail "info spacing"
  grep -q "orientation  LPS" "$DIR/info" || fail "info orientation"
  grep -q "datatype     int16" "$DIR/info" || fail "info datatype"
  "$TUTOR" preprocess "$CT" "$DIR/pp.nii.gz"
  "$TUTOR" info "$DIR/pp.nii.gz" >"$DIR/info2"
  grep -q "292×292×159" "$DIR/info2" || fail "preprocess size: $(cat "$DIR/info2")"
  grep -q "spacing      1 × 1 × 1.5 mm" "$DIR/info2" || fail "preprocess spacing"
  "$TUTOR" preprocess "$LUNG1/label.nii.gz" "$DIR/label.nii.gz" --mask
  grep -q "datatype     uint8" <("$TUTOR" info "$DIR/label.nii.gz") || fail "mask datatype"
else
  echo "skip: shared/data/real/lung1 is absent"
fi
echo "volumes e2e: ok"
