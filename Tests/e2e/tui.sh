#!/usr/bin/env bash
# End-to-end test of the workbench: drives the real `tutor annotate` in tmux (100×30), as a person
# would, and checks the screen at each step and the files it leaves.
# usage: bash Tests/e2e/tui.sh PATH_TO_TUTOR
# The proposals come from the threshold teacher (--method threshold), so the test does not depend
# on which network weights are bundled.
set -euo pipefail
TUTOR=$(realpath "${1:?usage: tui.sh PATH_TO_TUTOR}")
HERE=$(cd "$(dirname "$0")" && pwd)
command -v tmux >/dev/null || { echo "tui.sh: skipped (tmux is not installed)"; exit 0; }
python3 -c 'import nibabel, numpy' 2>/dev/null || { echo "tui.sh: skipped (python3 with nibabel and numpy needed)"; exit 0; }

WORK=$(mktemp -d)
SOCK="$WORK/tmux.sock"
T() { tmux -S "$SOCK" "$@"; }
cleanup() { T kill-server 2>/dev/null || true; sleep 0.5; rm -rf "$WORK"; }
trap cleanup EXIT

fail() { echo "tui.sh: FAIL: $*"; echo "--- screen:"; T capture-pane -p -t wb 2>/dev/null || true; exit 1; }
screen() { T capture-pane -p -t wb; }
# waitfor TEXT [SECONDS]: until the screen shows TEXT.
waitfor() {
  local deadline=$((SECONDS + ${2:-10}))
  until screen | grep -qF -- "$1"; do
    [ $SECONDS -lt $deadline ] || fail "the screen never showed \"$1\""
    sleep 0.1
  done
}
keys() { T send-keys -t wb "$@"; }
command_line() { keys ":$1" Enter; }
start() {  # start NAME ENV... -- ARGS: a tutor annotate session named wb in a 100×30 window
  T kill-session -t wb 2>/dev/null || true
  T new-session -d -s wb -x 100 -y 30 "env $1 '$TUTOR' annotate $2; echo EXIT=\$?; sleep 60"
}

# A session that outlives the others, so the tmux server does not exit (and race a new client)
# each time the workbench session is replaced.
T new-session -d -s keep -x 100 -y 30 "sleep 3600"

mapfile -t BOXES < <(python3 "$HERE/make_case.py" "$WORK/data/case01")
cp -r "$WORK/data/case01" "$WORK/data/case02"
mkdir -p "$WORK/solo"; cp -r "$WORK/data/case01" "$WORK/solo/case03"   # for the sections that leave edits behind
FIRST=(${BOXES[0]}); MIDDLE=(${BOXES[$(( ${#BOXES[@]} / 2 ))]}); LAST=(${BOXES[-1]})
widen() { echo "$(($2 - 1)) $(($3 - 1)) $(($4 + 1)) $(($5 + 1))"; }

echo "== open a case, draw boxes on three key slices, interpolate, propose, accept"
start "TERM=xterm-256color" "'$WORK/data' --case case01 --slice ${MIDDLE[0]} --method threshold"
waitfor "slice ${MIDDLE[0]}/39"
screen | head -1 | grep -q "tutor │ case01 │ tumour 1 │ VIEW" || fail "title bar"
screen | grep -qE "^R .* L$" || fail "side labels R and L"
command_line "slice ${FIRST[0]}"; command_line "box $(widen "${FIRST[@]}")"
command_line "slice ${LAST[0]}"; command_line "box $(widen "${LAST[@]}")"
command_line "slice ${MIDDLE[0]}"; command_line "box $(widen "${MIDDLE[@]}")"
waitfor "1/3 boxes" 15
keys i
waitfor "interpolated 4 box(es) for tumour 1"
waitfor "proposal ready" 15
command_line propose; command_line accept
waitfor "accepted case01: the mask is its label now" 15
screen | grep -q "│ accepted │" || fail "status line shows accepted"

echo "== help screen, then back"
keys '?'
waitfor "ten slices down"
keys Escape
waitfor "slice ${MIDDLE[0]}/39"

echo "== resize below 80×24 and back"
T resize-window -t wb -x 70 -y 20
waitfor "needs at least 80×24"
T resize-window -t wb -x 100 -y 30
waitfor "slice ${MIDDLE[0]}/39"

echo "== quit restores the terminal"
keys ':w' Enter ':q' Enter
waitfor "EXIT=0"
screen | grep -q "slice ${MIDDLE[0]}/39" && fail "the workbench screen stayed after quitting"

echo "== the stored label against the truth"
python3 - "$WORK/data/case01" <<'PY'
import sys, json, numpy as np, nibabel as nib
d = sys.argv[1]
label = nib.load(f'{d}/label.nii.gz').get_fdata() > 0.5
truth = nib.load(f'{d}/truth.nii.gz').get_fdata() > 0.5
dsc = 2 * (label & truth).sum() / (label.sum() + truth.sum())
boxes = json.load(open(f'{d}/boxes.json'))['boxes']
state = json.load(open(f'{d}/state.json'))
print(f'DSC {dsc:.3f} over {len(boxes)} boxes; state {state["state"]}')
assert len(boxes) == 7, boxes
assert state['state'] == 'accepted', state
assert dsc >= 0.8, f'DSC {dsc:.3f} < 0.8'
PY

echo "== reopening resumes at the slice and window left"
start "TERM=xterm-256color" "'$WORK/data/case01'"
keys 3
waitfor "W1800 L400"
keys q
waitfor "EXIT=0"
start "TERM=xterm-256color" "'$WORK/data/case01'"
waitfor "slice ${MIDDLE[0]}/39 │ x 48 y 48: "
screen | grep -q "W1800 L400" || fail "window not resumed"
keys q; waitfor "EXIT=0"

echo "== plain characters without colour (NO_COLOR)"
start "TERM=xterm-256color NO_COLOR=1" "'$WORK/data/case02'"
waitfor "slice 20/39"
screen | sed -n '3,26p' | grep -q '@' || fail "plain ramp: no @ for bright tissue"
screen | sed -n '3,26p' | grep -q '▀' && fail "plain mode drew half-blocks"
keys q; waitfor "EXIT=0"

echo "== radiological view: the tumour in the patient's right lung shows on the screen's left"
start "TERM=vt100" "'$WORK/data/case01'"
waitfor "slice ${MIDDLE[0]}/39"
screen | sed -n '3,26p' | cut -c1-50 | grep -q '1111' || fail "box (drawn as 1s in plain mode) not on the left half"
screen | sed -n '3,26p' | cut -c51-100 | grep -q '1111' && fail "box drawn on the right half"
keys q; waitfor "EXIT=0"

if type -P screen >/dev/null; then   # the binary, not the screen() helper above
  echo "== inside GNU screen (TERM=screen: 8 colours, so the plain ramp)"
  T kill-session -t wb 2>/dev/null || true
  T new-session -d -s wb -x 100 -y 30 "screen -q '$TUTOR' annotate '$WORK/data/case02'; echo EXIT=\$?; sleep 60"
  waitfor "slice 20/39"
  screen | sed -n '3,26p' | grep -q '@' || fail "plain ramp inside screen"
  command_line "slice 5"
  waitfor "slice 5/39"
  command_line "slice 20"; waitfor "slice 20/39"
  keys q; waitfor "EXIT=0"
else
  echo "== GNU screen: skipped (not installed)"
fi

echo "== brush, undo, brush again: the painted disc is saved as the proposal"
start "TERM=xterm-256color" "'$WORK/data/case02'"
waitfor "slice 20/39"
keys B
waitfor "BRUSH r=3"
keys Enter
waitfor "│ proposed │"
keys u
waitfor "undone: brush on slice 20"
keys Enter Escape
waitfor "VIEW"
keys q; waitfor "EXIT=0"
python3 - "$WORK/data/case02/proposal.nii.gz" <<'PY' || fail "brushed mask not saved"
import sys, nibabel as nib
n = int((nib.load(sys.argv[1]).get_fdata() > 0.5).sum())
print(f'brushed voxels: {n}')
assert n == 29, n   # a disc of radius 3 voxels
PY

echo "== the mouse: a drag draws a box, the wheel changes slice (SGR 1006 reports, as xterm sends)"
start "TERM=xterm-256color" "'$WORK/data/case02'"
waitfor "slice 20/39"
T send-keys -t wb -l $'\e[<0;30;8M'
waitfor "BOX: mark the other corner"
T send-keys -t wb -l $'\e[<32;45;14M'; sleep 0.2; T send-keys -t wb -l $'\e[<0;45;14m'
waitfor "1/1 boxes"
screen | tail -1 | grep -qE "^box [0-9]+ [0-9]+ [0-9]+ [0-9]+ on slice 20, tumour 1" || fail "drag made no box"
T send-keys -t wb -l $'\e[<64;45;14M'
waitfor "slice 21/39"
keys ',' x
waitfor "0/0 boxes"
keys q; waitfor "EXIT=0"

echo "== Ctrl-N on the only case: the proposal on its way still comes, and :q still quits"
start "TERM=xterm-256color" "'$WORK/solo/case03' --method threshold"
waitfor "slice 20/39"
command_line "box $(widen "${MIDDLE[@]}")"; keys C-n   # within the teacher's 0.4 s wait
waitfor "this is the last case"
waitfor "proposal ready" 15
command_line q; waitfor "EXIT=0"

echo "== Ctrl-Z suspends to the shell, fg brings the workbench back whole"
T kill-session -t wb 2>/dev/null || true
T new-session -d -s wb -x 100 -y 30 "env PS1='$ ' bash --norc --noprofile -i"
keys "env TERM=xterm-256color '$TUTOR' annotate '$WORK/solo/case03'" Enter
waitfor "slice 20/39"
keys C-z
waitfor "Stopped"
screen | grep -q "tutor │ case03" && fail "the workbench stayed on screen after Ctrl-Z"
keys fg Enter
waitfor "tutor │ case03 │ tumour 1 │ VIEW"
T send-keys -t wb -l $'\e[<64;45;14M'   # the mouse works again too
waitfor "slice 21/39"
keys q; keys 'echo EXIT=$?' Enter   # fg's status is the workbench's
waitfor "EXIT=0"

echo "== SIGHUP (lost connection) keeps every edit"
start "TERM=xterm-256color" "'$WORK/data/case02'"
waitfor "slice 20/39"
command_line "box 10 10 20 20"
waitfor "1/1 boxes"
T kill-session -t wb
for _ in $(seq 50); do [ -e "$WORK/data/case02/.tutor-lock" ] || break; sleep 0.1; done
python3 -c "import json,sys; b=json.load(open(sys.argv[1]))['boxes']; assert b==[{'slice':20,'x_min':10,'y_min':10,'x_max':20,'y_max':20,'object':1}], b" \
  "$WORK/data/case02/boxes.json" || fail "box lost on SIGHUP"
[ -e "$WORK/data/case02/.tutor-lock" ] && fail "lock left behind after SIGHUP"

echo "== a vanished case folder: a message, and the boxes on exit"
start "TERM=xterm-256color" "'$WORK/data/case02'"
waitfor "1/1 boxes"
rm -rf "$WORK/data/case02"
command_line "box 30 30 40 40"
waitfor "NOT SAVED"
keys q
waitfor "EXIT=0"
T capture-pane -p -J -t wb | grep -q '"x_max":40,"x_min":30' || fail "the unsaved boxes were not printed on exit"

echo "== tutor review: a queue of two proposed cases; accept one, reject the other with a reason"
mkdir -p "$WORK/review"
for c in r1 r2; do
  python3 "$HERE/make_case.py" "$WORK/review/$c" > /dev/null
  cp "$WORK/review/$c/truth.nii.gz" "$WORK/review/$c/proposal.nii.gz"
  echo "{\"image\": \"ct.nii.gz\", \"boxes\": [{\"slice\": ${MIDDLE[0]}, \"x_min\": ${MIDDLE[1]}, \"y_min\": ${MIDDLE[2]}, \"x_max\": ${MIDDLE[3]}, \"y_max\": ${MIDDLE[4]}}]}" > "$WORK/review/$c/boxes.json"
done
T kill-session -t wb 2>/dev/null || true
T new-session -d -s wb -x 100 -y 30 "env TERM=xterm-256color '$TUTOR' review '$WORK/review'; echo EXIT=\$?; sleep 60"
waitfor "review 1/2, 0 done, 2 left"
screen | grep -q "zoom" || fail "review does not zoom onto the boxes"
keys a
waitfor "review 2/2, 1 done, 1 left"
keys r; keys "too large"; keys Enter
waitfor "review finished: 2 of 2 done"
waitfor "EXIT=0"
[ -f "$WORK/review/r1/label.nii.gz" ] || fail "accepted case has no label.nii.gz"
grep -q '"state":"accepted"' "$WORK/review/r1/state.json" || fail "r1 not accepted"
grep -q '"reason":"too large"' "$WORK/review/r2/state.json" || fail "r2 rejection reason not stored"
grep -q '"state":"rejected"' "$WORK/review/r2/state.json" || fail "r2 not rejected"

echo "== tutor review on a dataset store: the queue in priority order, and why, on screen"
DS="$WORK/store"
"$TUTOR" dataset init "$DS" > /dev/null
add_case() {  # add_case ID: a weak case from a fresh synthetic CT (boxes from its truth), then a proposal
  python3 "$HERE/make_case.py" "$WORK/store-src/$1" > /dev/null
  "$TUTOR" dataset import "$DS" --case "$1" --image "$WORK/store-src/$1/ct.nii.gz" \
    --label "$WORK/store-src/$1/truth.nii.gz" --boxes-from-label > /dev/null
}
add_case s1; add_case s2
"$TUTOR" pseudo-label "$DS" --method threshold --prioritise > "$WORK/prioritise.txt" 2>&1 \
  || { cat "$WORK/prioritise.txt"; fail "pseudo-label --prioritise failed"; }
grep -q "2 prioritised" "$WORK/prioritise.txt" || { cat "$WORK/prioritise.txt"; fail "pseudo-label did not prioritise both cases"; }
add_case s3
"$TUTOR" pseudo-label "$DS" --method threshold > /dev/null 2>&1   # s3: proposed, not prioritised
LIST=$("$TUTOR" review "$DS" --list)
echo "$LIST"
read -r _ TOP D _ U _ < <(echo "$LIST" | sed -n 3p)
[ "$(echo "$LIST" | sed -n 5p | awk '{print $2, $6, $7, $8}')" = "s3 not prioritised yet" ] || fail "s3 is not last and unprioritised in --list"
T kill-session -t wb 2>/dev/null || true
T new-session -d -s wb -x 100 -y 30 "env TERM=xterm-256color '$TUTOR' review '$DS' --method threshold; echo EXIT=\$?; sleep 60"
waitfor "review 1/3, 0 done, 3 left │ disagreement $D · uncertainty $U"
screen | head -1 | grep -qF "tutor │ $TOP │" || fail "the first case of the TUI queue is not the first of --list ($TOP)"
screen | grep -qF "opened $TOP · 1/3 · disagreement $D (teacher vs student DSC" || fail "the message line does not give the full reason"
keys s
waitfor "review 2/3, 0 done, 3 left │ disagreement"
keys s
waitfor "review 3/3, 0 done, 3 left │ not prioritised yet"
screen | head -1 | grep -qF "tutor │ s3 │" || fail "the unprioritised case is not last"
keys q
waitfor "EXIT=0"

echo "tui.sh: all checks passed"
