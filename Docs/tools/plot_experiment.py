#!/usr/bin/env python3
"""Draws the scarce experiment's scores as grouped bars (an SVG written by hand, no packages).

    python3 Docs/tools/plot_experiment.py Docs/images/experiment-scarce.csv Docs/images/experiment-scarce.svg
The CSV has one row per (source, model): source,model,dsc,f1 in percent. Each source (the paper,
our single students, our ensembles) is one panel; in it each model has a DSC and an F1 bar.
"""
import csv, sys

rows = list(csv.DictReader(open(sys.argv[1])))
sources = list(dict.fromkeys(r["source"] for r in rows))
models = list(dict.fromkeys(r["model"] for r in rows))
colours = {"dsc": "#2471a3", "f1": "#e67e22"}
W, H, L, T, B = 220 * len(sources) + 60, 300, 48, 40, 56
panel = (W - L - 12) / len(sources)
def py(v): return T + (H - T - B) * (1 - v / 100)
out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>']
for v in range(0, 101, 20):
    out.append(f'<line x1="{L}" x2="{W-12}" y1="{py(v):.1f}" y2="{py(v):.1f}" stroke="#ddd"/>')
    out.append(f'<text x="{L-6}" y="{py(v)+4:.1f}" text-anchor="end">{v}</text>')
bar = panel / (len(models) * 2 + len(models) + 1)
for s, source in enumerate(sources):
    x0 = L + s * panel
    out.append(f'<text x="{x0 + panel/2:.1f}" y="{T-14}" text-anchor="middle" font-weight="bold">{source}</text>')
    for m, model in enumerate(models):
        r = next((r for r in rows if r["source"] == source and r["model"] == model), None)
        if r is None:
            continue
        xm = x0 + bar * (1 + 3 * m)
        for k, key in enumerate(["dsc", "f1"]):
            v = float(r[key]); x = xm + k * bar
            out.append(f'<rect x="{x:.1f}" y="{py(v):.1f}" width="{bar-2:.1f}" height="{py(0)-py(v):.1f}" fill="{colours[key]}"/>')
            out.append(f'<text x="{x + bar/2 - 1:.1f}" y="{py(v)-4:.1f}" text-anchor="middle" font-size="10">{v:.0f}</text>')
        out.append(f'<text x="{xm + bar:.1f}" y="{H-B+16}" text-anchor="middle">{model}</text>')
for k, (key, label) in enumerate([("dsc", "DSC %"), ("f1", "object F1 %")]):
    x = L + 10 + k * 120
    out.append(f'<rect x="{x}" y="{H-22}" width="12" height="12" fill="{colours[key]}"/>')
    out.append(f'<text x="{x+18}" y="{H-12}">{label}</text>')
out.append('</svg>')
open(sys.argv[2], "w").write("\n".join(out) + "\n")
