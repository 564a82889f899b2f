#!/usr/bin/env python3
"""Renders `tmux capture-pane -e -p` output (text with SGR colour escapes) to a PNG.

usage: ansi2png.py CAPTURE.txt OUT.png
Needs Pillow and the DejaVu Sans Mono font; half-blocks (▀ ▄ █) are drawn as rectangles so the
picture shows the pixels the terminal would, whatever the font.
"""
import re
import sys
from PIL import Image, ImageDraw, ImageFont

CW, CH = 8, 16
FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf'
DEFAULT_FG, DEFAULT_BG = (208, 208, 208), (18, 18, 18)


def palette(n):
    if n < 16:
        base = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
                (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255)]
        return base[n]
    if n < 232:
        n -= 16
        levels = [0, 95, 135, 175, 215, 255]
        return (levels[n // 36], levels[(n // 6) % 6], levels[n % 6])
    v = 8 + 10 * (n - 232)
    return (v, v, v)


def parse(text):
    rows = []
    fg, bg, bold, rev = None, None, False, False
    for line in text.split('\n'):
        row = []
        for token in re.split(r'(\x1b\[[0-9;]*m)', line):
            if token.startswith('\x1b['):
                codes = [int(c) if c else 0 for c in token[2:-1].split(';')]
                i = 0
                while i < len(codes):
                    c = codes[i]
                    if c == 0: fg, bg, bold, rev = None, None, False, False
                    elif c == 1: bold = True
                    elif c == 7: rev = True
                    elif c == 22: bold = False
                    elif c == 27: rev = False
                    elif c == 39: fg = None
                    elif c == 49: bg = None
                    elif c in (38, 48) and codes[i + 1] == 5:
                        col = palette(codes[i + 2]); i += 2
                        if c == 38: fg = col
                        else: bg = col
                    elif c in (38, 48) and codes[i + 1] == 2:
                        col = tuple(codes[i + 2:i + 5]); i += 4
                        if c == 38: fg = col
                        else: bg = col
                    elif 30 <= c <= 37: fg = palette(c - 30)
                    elif 40 <= c <= 47: bg = palette(c - 40)
                    i += 1
            else:
                for ch in token:
                    f, b = fg or DEFAULT_FG, bg or DEFAULT_BG
                    if rev: f, b = b, f
                    row.append((ch, f, b, bold))
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def render(rows, out):
    width = max(len(r) for r in rows)
    img = Image.new('RGB', (width * CW, len(rows) * CH), DEFAULT_BG)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 13)
    for y, row in enumerate(rows):
        for x, (ch, f, b, bold) in enumerate(row):
            x0, y0 = x * CW, y * CH
            d.rectangle([x0, y0, x0 + CW - 1, y0 + CH - 1], fill=b)
            if ch == '▀':
                d.rectangle([x0, y0, x0 + CW - 1, y0 + CH // 2 - 1], fill=f)
            elif ch == '▄':
                d.rectangle([x0, y0 + CH // 2, x0 + CW - 1, y0 + CH - 1], fill=f)
            elif ch == '█':
                d.rectangle([x0, y0, x0 + CW - 1, y0 + CH - 1], fill=f)
            elif ch != ' ':
                d.text((x0, y0 + 1), ch, fill=f, font=font)
    img.save(out)


if __name__ == '__main__':
    render(parse(open(sys.argv[1], encoding='utf-8').read()), sys.argv[2])
