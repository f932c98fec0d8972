package org.screener.data.preprocess;

import org.screener.core.cpu.Parallel;
import org.screener.data.Volume;

/**
 * Body bounding box of a CT (method doc §7.2): voxels ≥ threshold HU, min-reduced over non-overlapping blocks
 * of ceil(blockMm / spacing) voxels per axis (like skimage {@code block_reduce(mask, block, np.min)}, whose
 * zero padding makes partial edge blocks empty), so only fully filled blocks count; the crop is the bounding
 * box of those blocks in voxels. Streams over the voxels: memory is one flag per block.
 */
public final class BodyCrop {
    private BodyCrop() {}

    /** Block edge in voxels per axis. */
    public static int[] blockSize(double[] spacing, double blockMm) {
        int[] b = new int[3];
        for (int a = 0; a < 3; a++) {
            double s = Math.abs(spacing[a]);
            if (!(s > 0)) throw new IllegalArgumentException("BodyCrop: spacing must be positive, got " + java.util.Arrays.toString(spacing));
            b[a] = Math.max(1, (int) Math.ceil(blockMm / s - 1e-9));
        }
        return b;
    }

    /**
     * Crop box {lo, hi} (hi exclusive, voxel indices x, y, z), or null when no block is fully above the
     * threshold (e.g. an empty scan).
     */
    public static int[][] box(Volume v, double thresholdHu, double blockMm) {
        int[] b = blockSize(v.spacing(), blockMm);
        int bx = b[0], by = b[1], bz = b[2];
        int nbx = v.nx / bx, nby = v.ny / by, nbz = v.nz / bz;
        if (nbx == 0 || nby == 0 || nbz == 0) return null;
        boolean[] empty = new boolean[nbx * nby * nbz];   // true = some voxel of the block is below threshold
        short[] s = v.shorts();
        float[] f = s == null ? v.floats() : null;
        int nx = v.nx, ny = v.ny;
        float thr = (float) thresholdHu;
        Parallel.forRange(nbz, 1, (lo, hi) -> {
            for (int kb = lo; kb < hi; kb++)
                for (int k = kb * bz; k < (kb + 1) * bz; k++)
                    for (int j = 0; j < nby * by; j++) {
                        int row = (k * ny + j) * nx, brow = (kb * nby + j / by) * nbx;
                        for (int i = 0; i < nbx * bx; i++) {
                            float val = s != null ? s[row + i] : f[row + i];
                            if (val < thr) empty[brow + i / bx] = true;
                        }
                    }
        });
        int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}, hi = {-1, -1, -1};
        for (int kb = 0; kb < nbz; kb++)
            for (int jb = 0; jb < nby; jb++)
                for (int ib = 0; ib < nbx; ib++) {
                    if (empty[(kb * nby + jb) * nbx + ib]) continue;
                    lo[0] = Math.min(lo[0], ib); hi[0] = Math.max(hi[0], ib);
                    lo[1] = Math.min(lo[1], jb); hi[1] = Math.max(hi[1], jb);
                    lo[2] = Math.min(lo[2], kb); hi[2] = Math.max(hi[2], kb);
                }
        if (hi[0] < 0) return null;
        return new int[][]{{lo[0] * bx, lo[1] * by, lo[2] * bz}, {(hi[0] + 1) * bx, (hi[1] + 1) * by, (hi[2] + 1) * bz}};
    }
}
