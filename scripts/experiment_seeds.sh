#!/usr/bin/env bash
# The scarce experiment's fifth run (Docs/experiment.md): per seed, baseline, SO and DO side by side
# (one thread each, poly decay, last weights), then each student alone and each variant's seeds as an
# ensemble, scored on held-out phantoms by `tutor experiment --held-out … --with …`.
# Usage: scripts/experiment_seeds.sh WORKDIR [TUTOR]; SEEDS (31 32 33), SAMPLES (12000) and
# CONFIDENCE (0.95) in the environment. About 30 minutes a seed on two cores to train, and as long
# again to score. Resumes: a seed whose folder holds `done` is not trained again.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:?usage: scripts/experiment_seeds.sh WORKDIR [TUTOR]}"
tutor="$(cd "$(dirname "${2:-$root/.build/release/tutor}")" && pwd)/$(basename "${2:-$root/.build/release/tutor}")"
seeds=(${SEEDS:-31 32 33}); samples="${SAMPLES:-12000}"; conf="${CONFIDENCE:-0.95}"
mkdir -p "$work"; cd "$work"
[ -d exp ] || "$tutor" phantom --out exp --count 24 --seed 7000
[ -d heldout ] || "$tutor" phantom --out heldout --count 12 --seed 5000

for seed in "${seeds[@]}"; do
  [ -f "S$seed/done" ] && continue
  for v in baseline so do; do
    TUTOR_THREADS=1 "$tutor" experiment scarce exp --out "S$seed" --variants "$v" --lr 0.002 --virtual-batch 4 \
      --loss dice+ce --tumour-share 0.5 --hard-negative-share 0.5 --validate-every 500 --patience 1000 \
      --samples "$samples" --seed "$seed" --lr-decay poly --final --lung-filter --radius 2 > "S$seed-$v.log" 2>&1 &
  done
  wait
  touch "S$seed/done"
done

# Scoring: each seed's students alone, and (with the first seed's call) each variant's seeds as an
# ensemble, on the held-out phantoms; the tables go to S<seed>-table.txt.
scoring=(--trained --final --held-out heldout --lung-filter --radius 2 --threshold 0.5 --confidence "$conf")
with=()
for seed in "${seeds[@]:1}"; do
  "$tutor" experiment scarce exp --out "S$seed" "${scoring[@]}" | tee "S$seed-table.txt"
  with+=(--with "S$seed")
done
"$tutor" experiment scarce exp --out "S${seeds[0]}" "${with[@]}" "${scoring[@]}" | tee "S${seeds[0]}-table.txt"
