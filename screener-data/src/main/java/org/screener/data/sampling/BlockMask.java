package org.screener.data.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Random block mask (method doc §3.2): the crop is divided into blocks of {@code block} voxels; with
 * probability p, floor(ratio · #blocks) randomly chosen blocks are 0 and the rest 1; otherwise all ones.
 */
public final class BlockMask {
    private BlockMask() {}

    public static float[] draw(int[] crop, int[] block, double ratio, double p, SplittableRandom rng) {
        int nx = crop[0], ny = crop[1], nz = crop[2];
        float[] m = new float[nx * ny * nz];
        Arrays.fill(m, 1f);
        if (!(rng.nextDouble() < p)) return m;
        for (int a = 0; a < 3; a++)
            if (crop[a] % block[a] != 0) throw new IllegalArgumentException("BlockMask: crop " + Arrays.toString(crop) + " is not a multiple of block " + Arrays.toString(block));
        int bx = nx / block[0], by = ny / block[1], bz = nz / block[2], nb = bx * by * bz;
        int nMasked = (int) Math.floor(ratio * nb);
        int[] order = new int[nb];
        for (int i = 0; i < nb; i++) order[i] = i;
        for (int i = 0; i < nMasked; i++) {          // partial Fisher–Yates: first nMasked entries are the choice
            int j = i + rng.nextInt(nb - i);
            int t = order[i]; order[i] = order[j]; order[j] = t;
        }
        for (int q = 0; q < nMasked; q++) {
            int b = order[q], ib = b % bx, jb = (b / bx) % by, kb = b / (bx * by);
            for (int z = kb * block[2]; z < (kb + 1) * block[2]; z++)
                for (int y = jb * block[1]; y < (jb + 1) * block[1]; y++) {
                    int row = (z * ny + y) * nx;
                    Arrays.fill(m, row + ib * block[0], row + (ib + 1) * block[0], 0f);
                }
        }
        return m;
    }
}
