#!/usr/bin/env python3
"""Draws resident memory over time of one or more runs as an SVG line chart.

    python3 Docs/tools/plot_memory.py Docs/images/segment-memory.csv Docs/images/segment-memory.svg "title"

The CSV (label, seconds, rss_mb) comes from `scripts/memory_timeline.sh`, one label per run;
each run is one line, its peak marked. No third-party packages.
"""
import csv, sys

rows = list(csv.DictReader(open(sys.argv[1])))
title = sys.argv[3] if len(sys.argv) > 3 else "resident memory"
labels = list(dict.fromkeys(r["label"] for r in rows))
runs = {l: [(float(r["seconds"]), float(r["rss_mb"])) for r in rows if r["label"] == l] for l in labels}
colours = ["#7f8c8d", "#2471a3", "#c0392b", "#27ae60"]

W, H, L, R, T, B = 760, 330, 60, 150, 40, 44
right = max(t for run in runs.values() for t, _ in run)
top = max(m for run in runs.values() for _, m in run)
step_s = 1 if right <= 12 else 2
step_mb = 250 if top > 800 else 100
right = -(-right // step_s) * step_s
top = -(-top // step_mb) * step_mb
def x(s): return L + (W - L - R) * s / right
def y(mb): return H - B - (H - T - B) * mb / top

out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="11">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{L}" y="20" font-size="13">{title}</text>']
for i in range(int(top // step_mb) + 1):
    mb = i * step_mb
    out.append(f'<line x1="{L}" x2="{W - R}" y1="{y(mb):.1f}" y2="{y(mb):.1f}" stroke="#eee"/>')
    out.append(f'<text x="{L - 6}" y="{y(mb) + 4:.1f}" text-anchor="end">{mb:.0f}</text>')
for i in range(int(right // step_s) + 1):
    s = i * step_s
    out.append(f'<text x="{x(s):.1f}" y="{H - B + 16}" text-anchor="middle">{s:g}</text>')
out.append(f'<text x="{(L + W - R) / 2}" y="{H - 8}" text-anchor="middle">seconds since start</text>')
out.append(f'<text x="14" y="{(T + H - B) / 2}" transform="rotate(-90 14 {(T + H - B) / 2})" text-anchor="middle">resident memory (MB)</text>')
for n, (label, run) in enumerate(runs.items()):
    c = colours[n % len(colours)]
    points = " ".join(f"{x(t):.1f},{y(m):.1f}" for t, m in run)
    out.append(f'<polyline points="{points}" fill="none" stroke="{c}" stroke-width="2"/>')
    t, m = max(run, key=lambda p: p[1])
    out.append(f'<circle cx="{x(t):.1f}" cy="{y(m):.1f}" r="3" fill="{c}"/>')
    out.append(f'<text x="{W - R + 10}" y="{T + 16 + 18 * n}" fill="{c}">{label}: peak {m:.0f} MB</text>')
out.append("</svg>")
open(sys.argv[2], "w").write("\n".join(out) + "\n")
