"""Renders axial CT slices side by side as a grayscale PNG, one row per volume.

usage: render_slices.py OUT.png FILE:K1,K2,...[:soft] [FILE:...]
A K with a dot is a fraction of the slice count (0.5 = middle). Lung window (-1350..150 HU) unless
the row ends in ':soft' (-160..240 HU). Rows are i across, j down (anterior at the top, the patient's
right on the left, as radiologists look at CT). SCALE=n shrinks by n (default 2).
Made Docs/images/phantom-vs-lung1.png:
  SCALE=3 render_slices.py out.png ../shared/data/real/lung1/ct.nii.gz:8,16,24,30,36 P/case_0007/ct.nii.gz:30,50,77,91,111 ...
"""
import os, struct, sys, zlib
try:
    import numpy as np, nibabel as nb
except ImportError:
    print("render_slices.py: needs numpy and nibabel; skipped"); sys.exit(0)

def window(a, lo, hi):
    return (np.clip((a - lo) / (hi - lo), 0, 1) * 255).astype(np.uint8)

def png(path, img):
    def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    raw = b''.join(b'\0' + img[r].tobytes() for r in range(img.shape[0]))
    head = struct.pack('>IIBBBBB', img.shape[1], img.shape[0], 8, 0, 0, 0, 0)
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', head) + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))

rows = []
for spec in sys.argv[2:]:
    parts = spec.split(':')
    lo, hi = (-160, 240) if len(parts) > 2 and parts[2] == 'soft' else (-1350, 150)
    d = np.asanyarray(nb.load(parts[0]).dataobj)
    tiles = []
    for k in parts[1].split(','):
        k = int(float(k) * d.shape[2]) if '.' in k else int(k)
        t = np.zeros((512, 512), np.uint8)
        s = window(d[:, :, k].T.astype(np.float32), lo, hi)[:512, :512]
        t[:s.shape[0], :s.shape[1]] = s
        tiles.append(t)
    rows.append(np.concatenate(tiles, 1))
w = max(r.shape[1] for r in rows)
img = np.concatenate([np.pad(r, ((0, 0), (0, w - r.shape[1]))) for r in rows], 0)
n = int(os.environ.get('SCALE', '2'))
h, w = img.shape[0] // n * n, img.shape[1] // n * n
png(sys.argv[1], img[:h, :w].reshape(h // n, n, w // n, n).mean((1, 3)).astype(np.uint8))
