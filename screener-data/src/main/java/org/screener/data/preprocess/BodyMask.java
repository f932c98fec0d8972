package org.screener.data.preprocess;

import org.screener.data.Volume;

/**
 * The body of a CT scan as a voxel mask (method reference §7, item 7): air is every voxel below a threshold
 * (−500 HU); the air reachable from the in-plane borders (x = 0, x = nx − 1, y = 0, y = ny − 1 of every slice)
 * through 6-connected air voxels is outside; everything else, including the lungs and bowel gas enclosed by
 * the body, is body. Used to keep evaluation negatives and sampled voxels inside the patient.
 */
public final class BodyMask {
    private BodyMask() {}

    public static boolean[] of(Volume v, double thresholdHu) {
        int nx = v.nx, ny = v.ny, nz = v.nz;
        int n = Math.toIntExact(v.size());
        float[] hu = v.floats();
        boolean[] outside = new boolean[n];
        int[] queue = new int[n];   // each voxel enters at most once
        int head = 0, tail = 0;
        for (int k = 0; k < nz; k++)
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++) {
                    if (i != 0 && i != nx - 1 && j != 0 && j != ny - 1) continue;
                    int p = v.index(i, j, k);
                    if (!outside[p] && hu[p] < thresholdHu) { outside[p] = true; queue[tail++] = p; }
                }
        int slice = nx * ny;
        while (head < tail) {
            int p = queue[head++];
            int i = p % nx, j = (p / nx) % ny, k = p / slice;
            if (i > 0) tail = visit(p - 1, hu, thresholdHu, outside, queue, tail);
            if (i < nx - 1) tail = visit(p + 1, hu, thresholdHu, outside, queue, tail);
            if (j > 0) tail = visit(p - nx, hu, thresholdHu, outside, queue, tail);
            if (j < ny - 1) tail = visit(p + nx, hu, thresholdHu, outside, queue, tail);
            if (k > 0) tail = visit(p - slice, hu, thresholdHu, outside, queue, tail);
            if (k < nz - 1) tail = visit(p + slice, hu, thresholdHu, outside, queue, tail);
        }
        boolean[] body = new boolean[n];
        for (int p = 0; p < n; p++) body[p] = !outside[p];
        return body;
    }

    private static int visit(int q, float[] hu, double t, boolean[] outside, int[] queue, int tail) {
        if (!outside[q] && hu[q] < t) { outside[q] = true; queue[tail++] = q; }
        return tail;
    }
}
