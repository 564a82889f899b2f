#!/usr/bin/env python3
"""Draws per-layer forward and backward times of two engine builds as an SVG bar chart.

    python3 Docs/tools/plot_layers.py Docs/images/engine-layers.csv Docs/images/engine-layers.svg

The CSV (build, layer, forward_ms, training_forward_ms, backward_ms) comes from two runs of
`tutor bench teacher --train --layers` (Docs/benchmarks.md says how). Each layer gets one row per
build: the forward pass as a solid bar, the backward pass as a lighter bar after it, so that a
backward twice its forward reads as a bar twice as long. No third-party packages.
"""
import csv, sys

rows = list(csv.DictReader(open(sys.argv[1])))
builds = list(dict.fromkeys(r["build"] for r in rows))
layers = list(dict.fromkeys(r["layer"] for r in rows))
time = {(r["build"], r["layer"]): (float(r["forward_ms"]), float(r["backward_ms"])) for r in rows}
colours = {0: ("#7f8c8d", "#d5dbdb"), 1: ("#2471a3", "#aed6f1")}

W, L, R, T, B = 760, 70, 20, 40, 48
bar, gap = 9, 8
H = T + B + len(layers) * (len(builds) * bar + gap)
top = max(f + b for f, b in time.values())
top = -(-top // 50) * 50
def px(ms): return L + (W - L - R) * ms / top

out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
       f'<rect width="{W}" height="{H}" fill="white"/>']
for i in range(int(top // 50) + 1):
    ms = 50 * i
    out.append(f'<line x1="{px(ms):.1f}" x2="{px(ms):.1f}" y1="{T-6}" y2="{H-B}" stroke="#eee"/>')
    out.append(f'<text x="{px(ms):.1f}" y="{H-B+16}" text-anchor="middle">{ms}</text>')
out.append(f'<text x="{(L+W-R)/2}" y="{H-10}" text-anchor="middle">milliseconds per pass (forward, then backward)</text>')
y = T
for layer in layers:
    out.append(f'<text x="{L-6}" y="{y + len(builds) * bar / 2 + 4:.1f}" text-anchor="end">{layer}</text>')
    for n, build in enumerate(builds):
        if (build, layer) not in time:
            continue
        f, b = time[(build, layer)]
        solid, light = colours[n % 2]
        out.append(f'<rect x="{L}" y="{y}" width="{px(f)-L:.1f}" height="{bar-1}" fill="{solid}"/>')
        out.append(f'<rect x="{px(f):.1f}" y="{y}" width="{px(f+b)-px(f):.1f}" height="{bar-1}" fill="{light}"/>')
        y += bar
    y += gap
for n, build in enumerate(builds):
    solid, light = colours[n % 2]
    x = L + 10 + 330 * n
    out.append(f'<rect x="{x}" y="{12}" width="12" height="10" fill="{solid}"/><rect x="{x+12}" y="{12}" width="12" height="10" fill="{light}"/>')
    out.append(f'<text x="{x+30}" y="{21}">{build}: forward, backward</text>')
out.append("</svg>")
open(sys.argv[2], "w").write("\n".join(out) + "\n")
