#!/usr/bin/env bash
# Makes the screen captures of Docs/workbench.md: runs `tutor annotate` / `tutor review` in tmux
# (100×30) on a copy of the real CT when present (else the synthetic test case), captures each mode
# with colours (`capture-pane -e`) and renders them to PNG with ansi2png.py.
# usage: bash Docs/tools/captures.sh PATH_TO_TUTOR
set -euo pipefail
TUTOR=$(realpath "${1:?usage: captures.sh PATH_TO_TUTOR}")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$ROOT/Docs/workbench"
WORK=$(mktemp -d)
SOCK="$WORK/tmux.sock"
T() { tmux -S "$SOCK" "$@"; }
trap 'T kill-server 2>/dev/null || true; sleep 0.5; rm -rf "$WORK"' EXIT
mkdir -p "$OUT" "$WORK/data"

# The real CT lives in a `shared/` folder beside the package or one of its parents.
REAL=""; dir="$ROOT"
while [ "$dir" != "/" ]; do
  dir=$(dirname "$dir")
  [ -f "$dir/shared/data/real/lung1/ct.nii.gz" ] && { REAL="$dir/shared/data/real/lung1"; break; }
done
if [ -n "$REAL" ]; then
  mkdir "$WORK/data/lung1"; cp "$REAL/ct.nii.gz" "$WORK/data/lung1/"
  SLICE=$(python3 -c "import json; print(json.load(open('$REAL/boxes.json'))['boxes'][0]['slice'])")
  BOX=$(python3 -c "import json; b=json.load(open('$REAL/boxes.json'))['boxes'][0]; print(b['x_min'], b['y_min'], b['x_max'], b['y_max'])")
  CASE=lung1
else
  python3 "$ROOT/Tests/e2e/make_case.py" "$WORK/data/case01" > "$WORK/boxes.txt"
  read -r SLICE X0 Y0 X1 Y1 < <(sed -n 4p "$WORK/boxes.txt"); BOX="$X0 $Y0 $X1 $Y1"; CASE=case01
fi

shot() {  # shot NAME: capture the pane with colours, keep the text and a PNG
  sleep 0.6
  T capture-pane -e -N -p -t wb > "$OUT/$1.ansi"
  T capture-pane -p -t wb > "$OUT/$1.txt"
  python3 "$ROOT/Docs/tools/ansi2png.py" "$OUT/$1.ansi" "$OUT/$1.png"
  rm "$OUT/$1.ansi"
}
keys() { T send-keys -t wb "$@"; }
start() { T kill-session -t wb 2>/dev/null || true; T new-session -d -s wb -x 100 -y 30 "env $1 '$TUTOR' $2; sleep 60"; sleep 1.5; }

start "TERM=xterm-256color" "annotate '$WORK/data/$CASE' --slice $SLICE"
shot view-256
keys ":box $BOX" Enter; sleep 2
shot proposal
# Walk the cursor to the box (8 voxels a step) and zoom in around it.
read -r BX0 BY0 BX1 BY1 <<< "$BOX"
for _ in $(seq $(( (256 - (BX0 + BX1) / 2) / 8 ))); do keys S-Left; done
for _ in $(seq $(( ((BY0 + BY1) / 2 - 256) / 8 ))); do keys S-Down; done
keys + + + + ; shot zoomed
keys M; shot outline; keys M
keys 0 2; shot mediastinum
keys 1 Space S-Right S-Right S-Right S-Down S-Down; shot marking
keys Escape B; shot brush
keys Escape ':reject leaks into the ' ; shot command-line
keys Escape '?'; shot help
keys Escape q
start "TERM=xterm-256color COLORTERM=truecolor" "annotate '$WORK/data/$CASE'"; shot view-truecolor; keys q
start "TERM=vt100" "annotate '$WORK/data/$CASE'"; shot view-plain; keys q
start "TERM=xterm-256color" "review '$WORK/data'"; shot review; keys q
start "TERM=xterm-256color" "annotate '$WORK/data/$CASE'"; T resize-window -t wb -x 70 -y 20; shot too-small; keys q
echo "captures in $OUT"
