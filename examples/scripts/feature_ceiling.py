#!/usr/bin/env python3
"""What a demo's learned features allow, measured offline (numpy + scipy).

Reads the output of `./screener example DumpFeatures <demo-dir> <dump-dir>` and prints voxel AUROCs on the
held-out scans (lesion voxels against normal voxels inside the body, on the preprocessed grid) of simple,
flexible densities fitted on the training scans:
  - desc | cond : per-context full-covariance Gaussian of the descriptors, context = k-means (64) cluster of the
                  learned condition; unpooled and pooled like the density stage (--pool)
  - int  | cond : the same with the smoothed intensity as the "descriptor"
  - int  | blur : the smoothed intensity given the blurred intensity as the context
and how well a quadratic fit recovers the smoothed intensity from the descriptors (R², residual sd).
Usage: feature_ceiling.py <dump-dir> [--pool X,Y,Z]   (default 3,3,2)
"""
import glob, json, os, sys
import numpy as np
from scipy import ndimage as ndi
from scipy.cluster.vq import kmeans2
from scipy.stats import rankdata

def load(d, name):
    m = json.load(open(f'{d}/{name}.json')); dd, h, w = m['dhw']
    img = np.fromfile(f'{d}/{name}.img.f32', np.float32).reshape(dd, h, w)
    mask = np.fromfile(f'{d}/{name}.mask.f32', np.float32).reshape(dd, h, w)
    feat = np.fromfile(f'{d}/{name}.feat.f32', np.float32).reshape(-1, dd, h, w)
    nd = m.get('descriptor', feat.shape[0] // 2)
    body = np.stack([ndi.binary_fill_holes(s) for s in img > 0.25])   # preprocessed [0, 1]: about -675 HU before CLAHE
    body = ndi.binary_opening(body, iterations=1)
    return dict(name=name, split=m['split'], img=img, mask=mask, desc=feat[:nd], cond=feat[nd:], body=body,
                smooth=ndi.gaussian_filter(img, 0.7)[None], blur=ndi.gaussian_filter(img, 2)[None])

def auroc(pos, neg):
    r = rankdata(np.concatenate([pos, neg]))
    return (r[:len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))

def pool(x, k):
    """Average pooling with kernel = stride (D, H, W), repeated back to the grid; a far-end remainder is kept as is."""
    if k == (1, 1, 1): return x
    C, d, h, w = x.shape; D, H, W = d // k[0] * k[0], h // k[1] * k[1], w // k[2] * k[2]
    y = x[:, :D, :H, :W].reshape(C, D // k[0], k[0], H // k[1], k[1], W // k[2], k[2]).mean((2, 4, 6))
    out = x.copy(); out[:, :D, :H, :W] = np.repeat(np.repeat(np.repeat(y, k[0], 1), k[1], 2), k[2], 3)
    return out

def per_context_gaussian(train, xkey, ckey, rng, K=64):
    X, C = [], []
    for c in train:
        idx = rng.choice(np.flatnonzero(c['body'].ravel()), 20000, replace=False)
        X.append(c[xkey].reshape(-1, c['img'].size)[:, idx].T); C.append(c[ckey].reshape(-1, c['img'].size)[:, idx].T)
    X, C = np.concatenate(X), np.concatenate(C)
    cs = C.std(0) + 1e-6; centres, lab = kmeans2(C / cs, K, seed=1, minit='++')
    fits = []
    for k in range(K):
        Xk = X[lab == k] if (lab == k).sum() >= 50 else X
        cov = np.atleast_2d(np.cov(Xk.T)) + 1e-4 * np.eye(X.shape[1])
        fits.append((Xk.mean(0), np.linalg.inv(cov), np.linalg.slogdet(cov)[1]))
    def score(c):
        Cq = c[ckey].reshape(-1, c['img'].size).T / cs; Xq = c[xkey].reshape(-1, c['img'].size).T
        a = ((Cq[:, None, :] - centres[None]) ** 2).sum(-1).argmin(1); out = np.empty(len(Xq))
        for k, (mu, P, ld) in enumerate(fits):
            sel = a == k
            if sel.any():
                R = Xq[sel] - mu; out[sel] = 0.5 * np.einsum('ij,jk,ik->i', R, P, R) + 0.5 * ld
        return out.reshape(c['img'].shape)
    return score

def main():
    d = sys.argv[1]
    k = (2, 3, 3)   # (D, H, W) of the paper's 3 x 3 x 2
    if '--pool' in sys.argv:
        x, y, z = (int(v) for v in sys.argv[sys.argv.index('--pool') + 1].split(',')); k = (z, y, x)
    cases = [load(d, os.path.basename(p)[:-5]) for p in sorted(glob.glob(d + '/*.json'))]
    for c in cases:
        c['pdesc'], c['pcond'] = pool(c['desc'], k), pool(c['cond'], k)
    train = [c for c in cases if c['split'] == 'train']; test = [c for c in cases if c['split'] != 'train']
    lesion = sum(int((c['mask'] > 0).sum()) for c in test)
    print(f'{len(train)} training scans, {len(test)} held out, {lesion} lesion voxels on the preprocessed grid')
    for label, x, ctx in (('desc | cond, unpooled', 'desc', 'cond'), ('desc | cond, pooled %dx%dx%d' % k[::-1], 'pdesc', 'pcond'),
                          ('int | cond', 'smooth', 'cond'), ('int | blur', 'smooth', 'blur')):
        f = per_context_gaussian(train, x, ctx, np.random.default_rng(0))   # the same voxel sample for every fit
        pos, neg = [], []
        for c in test:
            s = f(c); m = c['mask'] > 0
            pos.append(s[m]); neg.append(s[c['body'] & ~m])
        print(f'{label:28s} voxel AUROC {auroc(np.concatenate(pos), np.concatenate(neg)):.3f}')
    X = np.concatenate([c['desc'].reshape(c['desc'].shape[0], -1)[:, c['body'].ravel()].T for c in cases])
    Y = np.concatenate([c['smooth'].ravel()[c['body'].ravel()] for c in cases])
    A = np.c_[np.ones(len(X)), X, np.einsum('ni,nj->nij', X, X).reshape(len(X), -1)]
    r = Y - A @ np.linalg.lstsq(A, Y, rcond=None)[0]
    print(f'smoothed intensity from the descriptors (quadratic): R2 {1 - r.var() / Y.var():.3f}, residual sd {r.std():.3f}')
    print('descriptor covariance eigenvalues (body voxels):', np.round(np.linalg.eigvalsh(np.cov(X.T))[::-1], 4))

if __name__ == '__main__':
    main()
