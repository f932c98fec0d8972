"""Reference values used by Clahe3dTest, computed with scikit-image 0.19.3 (Debian python3-skimage).

Run: python3 clahe_skimage_reference.py. Prints the ramp rows and clip_histogram results hard-coded in
Clahe3dTest. The (z, y, x) array order matches Volume's x-fastest layout.
"""
import numpy as np
from skimage import exposure
from skimage.exposure._adapthist import clip_histogram

nx, ny, nz = 64, 9, 8
ramp = np.tile((np.arange(nx) / (nx - 1.0)).astype(np.float32), (nz, ny, 1))
out = exposure.equalize_adapthist(ramp, clip_limit=0.05).astype(np.float32)
print("z0 y0 x0..15:", ", ".join(repr(float(v)) for v in out[0, 0, :16]))
print("z5 y4 x40..55:", ", ".join(repr(float(v)) for v in out[5, 4, 40:56]))
for h, c in [([0, 9, 1, 12, 2, 0, 7], 8), ([20, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0], 5),
             ([3, 3, 1, 40, 3, 0, 3, 3, 2, 3], 9), ([9, 9, 9, 9, 0, 0, 0, 0], 6), ([0, 9, 1, 30, 2, 0, 7], 5)]:
    print(h, c, list(clip_histogram(np.array(h, dtype=np.int64), c)))
