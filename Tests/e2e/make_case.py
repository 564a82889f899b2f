#!/usr/bin/env python3
"""Writes a small synthetic chest CT case folder for the workbench tests.

usage: make_case.py FOLDER
FOLDER/ct.nii.gz   96×96×40, spacing 0.8×0.8×2.5 mm, DICOM-style (LPS) affine: negative x and y
FOLDER/truth.nii.gz the tumour: a sphere of radius 8 mm, 30 HU, in the patient's right lung
Prints the tumour's bounding box on each slice it shows on, one `slice x0 y0 x1 y1` per line.
"""
import sys
import numpy as np
import nibabel as nib

folder = sys.argv[1]
nx, ny, nz = 96, 96, 40
sx, sy, sz = 0.8, 0.8, 2.5
i, j, k = np.meshgrid(np.arange(nx), np.arange(ny), np.arange(nz), indexing='ij')
ct = np.full((nx, ny, nz), -1000.0, dtype=np.float32)
body = ((i - 47.5) / 44) ** 2 + ((j - 47.5) / 36) ** 2 <= 1
ct[body] = 40
# With a negative x axis (RAS+ world), small i is the patient's right: that lung shows on the screen's left.
left_lung = ((i - 66) / 16) ** 2 + ((j - 47.5) / 26) ** 2 <= 1
right_lung = ((i - 29) / 16) ** 2 + ((j - 47.5) / 26) ** 2 <= 1
ct[right_lung | left_lung] = -820
ci, cj, ck = 29, 44, 20
r = np.sqrt(((i - ci) * sx) ** 2 + ((j - cj) * sy) ** 2 + ((k - ck) * sz) ** 2)
tumour = r <= 8.0
ct[tumour] = 30
rng = np.random.default_rng(6)
ct += rng.normal(0, 12, ct.shape).astype(np.float32)
affine = np.diag([-sx, -sy, sz, 1.0])
import os
os.makedirs(folder, exist_ok=True)
nib.save(nib.Nifti1Image(ct, affine), f'{folder}/ct.nii.gz')
nib.save(nib.Nifti1Image(tumour.astype(np.uint8), affine), f'{folder}/truth.nii.gz')
for z in range(nz):
    xs, ys = np.nonzero(tumour[:, :, z])
    if len(xs):
        print(z, xs.min(), ys.min(), xs.max(), ys.max())
