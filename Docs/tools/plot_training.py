#!/usr/bin/env python3
"""Draws a training log (train-log.csv: samples, seconds, loss, validation_dsc) as an SVG line chart.

    python3 Docs/tools/plot_training.py OUT/train-log.csv Docs/images/teacher-training.svg [LOSS VALIDATION]
LOSS and VALIDATION name the two curves (default: the teacher's). Several logs of one run, resumed,
are one CSV with one header. No third-party packages: the SVG is written by hand.
"""
import csv, sys

rows = [r for r in csv.DictReader(open(sys.argv[1]))]
xs = [int(r["samples"]) for r in rows]
names = sys.argv[3:5] if len(sys.argv) >= 5 else ["training loss (soft Dice)", "validation DSC (128³ crops, human-like boxes)"]
series = [(names[0], "#c0392b", [float(r["loss"]) for r in rows]),
          (names[1], "#2471a3",
           [float(r["validation_dsc"]) if r["validation_dsc"] else None for r in rows])]
W, H, L, R, T, B = 640, 360, 56, 16, 24, 48
xmax = max(xs) if xs else 1
def px(x): return L + (W - L - R) * x / xmax
top = max([1.0] + [y for _, _, ys in series for y in ys if y is not None])
top = -(-top // 0.5) * 0.5   # the next half above the largest value (1 for DSC and soft Dice)
def py(y): return T + (H - T - B) * (1 - y / top)
out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>']
for i in range(6):
    y = top * i / 5
    out.append(f'<line x1="{L}" x2="{W-R}" y1="{py(y):.1f}" y2="{py(y):.1f}" stroke="#ddd"/>')
    out.append(f'<text x="{L-8}" y="{py(y)+4:.1f}" text-anchor="end">{y:.1f}</text>')
for i in range(5):
    x = xmax * i / 4
    out.append(f'<text x="{px(x):.1f}" y="{H-B+18}" text-anchor="middle">{int(x)}</text>')
out.append(f'<text x="{(L+W-R)/2}" y="{H-8}" text-anchor="middle">samples seen (batch 1)</text>')
for n, (name, colour, ys) in enumerate(series):
    pts = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs, ys) if y is not None)
    out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{pts}"/>')
    out.append(f'<text x="{L+10}" y="{T+16+16*n}" fill="{colour}">{name}</text>')
out.append("</svg>")
open(sys.argv[2], "w").write("\n".join(out) + "\n")
