#!/usr/bin/env python3
"""Does an anomaly map of ../shared/data/ct/cranium_ct.nii.gz light up the data README's hypodensity?

Compares the map inside the README's box (k 56-80, j 155-205, i 75-120, file voxel order) with the rest of the
brain parenchyma (15..60 HU, slices k 40..100): mean, rank AUROC box-vs-rest, and the share of the top 1 % of
brain voxels that fall in the box (the box holds about 3 % of the brain voxels). Also the same for an
intensity baseline (-log p(HU) of the head's own voxels above -500 HU, 5 HU bins). numpy only.
Usage: cranium_box.py <cranium_ct.nii.gz> <map.nii.gz> [<map.nii.gz> ...]
"""
import gzip, struct, sys
import numpy as np

def read_nifti(p):
    b = gzip.open(p).read() if p.endswith('.gz') else open(p, 'rb').read()
    dims = struct.unpack('<8h', b[40:56]); off = int(struct.unpack('<f', b[108:112])[0])
    dtype = {2: np.uint8, 4: np.int16, 16: np.float32}[struct.unpack('<h', b[70:72])[0]]
    slope, inter = struct.unpack('<2f', b[112:120])
    n = dims[1] * dims[2] * dims[3]
    a = np.frombuffer(b[off:], dtype=dtype, count=n).reshape(dims[3], dims[2], dims[1]).astype(np.float32)
    return a * slope + inter if slope not in (0, 1) else a

def auroc(pos, neg):
    """Mann-Whitney AUROC with tied scores counted 1/2 (average ranks)."""
    _, inv, cnt = np.unique(np.concatenate([pos, neg]), return_inverse=True, return_counts=True)
    r = (np.cumsum(cnt) - cnt + (cnt + 1) / 2)[inv.ravel()]
    return (r[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))

def report(label, m, brain, box):
    a, b = m[brain & box], m[brain & ~box]
    top = brain & (m >= np.quantile(m[brain], 0.99))
    print(f'{label}: brain voxels {brain.sum()}, in the box {(brain & box).sum()} ({(brain & box).sum() / brain.sum():.1%}); '
          f'mean box {a.mean():.3f} vs rest {b.mean():.3f}; AUROC box-vs-rest {auroc(a, b):.3f}; '
          f'top-1% brain voxels in the box {(top & box).sum() / top.sum():.1%}')

def main():
    img = read_nifti(sys.argv[1])
    K, J, I = np.indices(img.shape)
    brain = (img >= 15) & (img <= 60) & (K >= 40) & (K <= 100)
    box = (K >= 56) & (K <= 80) & (J >= 155) & (J <= 205) & (I >= 75) & (I <= 120)
    for p in sys.argv[2:]:
        m = read_nifti(p)
        if m.shape != img.shape: sys.exit(f'{p}: shape {m.shape} is not the scan\'s {img.shape}')
        report(p, m, brain, box)
    bins = ((np.clip(img, -1024, 2000) + 1024) // 5).astype(int)
    counts = np.bincount(bins[img > -500].ravel(), minlength=bins.max() + 1).astype(float) + 1
    report('intensity baseline', -np.log(counts / counts.sum())[bins], brain, box)

if __name__ == '__main__':
    main()
