package org.screener.pipeline.demo;

import org.screener.data.Volume;
import org.screener.data.eval.ScanScores;

import java.util.Arrays;

/**
 * The real head CT check ({@code ../shared/data/ct/cranium_ct.nii.gz}): does a map light up the focal hypodensity
 * the data README describes? Brain parenchyma = 15..60 HU on slices k 40..100; the README's box is k 56..80,
 * j 155..205, i 75..120 (file voxel order). A map that finds the lesion ranks the box's parenchyma above the
 * rest: AUROC box-vs-rest well above 0.5, and more than the box's share of the top 1 % of brain voxels.
 * The same measure as {@code examples/scripts/cranium_box.py}.
 */
final class CraniumCheck {
    private CraniumCheck() {}

    static final int[] BOX_I = {75, 120}, BOX_J = {155, 205}, BOX_K = {56, 80}, BRAIN_K = {40, 100};
    static final double BRAIN_MIN_HU = 15, BRAIN_MAX_HU = 60;

    /** The slice through the box's centre, for the figure. */
    static final int BOX_SLICE = (BOX_K[0] + BOX_K[1]) / 2;

    record Result(String name, long brainVoxels, long boxVoxels, double meanBox, double meanRest, double auroc, double topShare) {
        double boxShare() { return (double) boxVoxels / brainVoxels; }
    }

    static boolean[] brain(Volume scan) {
        float[] hu = scan.floats();
        boolean[] b = new boolean[hu.length];
        for (int k = Math.max(0, BRAIN_K[0]); k <= Math.min(scan.nz - 1, BRAIN_K[1]); k++)
            for (int j = 0; j < scan.ny; j++)
                for (int i = 0; i < scan.nx; i++) {
                    int p = scan.index(i, j, k);
                    b[p] = hu[p] >= BRAIN_MIN_HU && hu[p] <= BRAIN_MAX_HU;
                }
        return b;
    }

    static boolean[] box(Volume scan) {
        boolean[] b = new boolean[scan.nx * scan.ny * scan.nz];
        for (int k = BOX_K[0]; k <= Math.min(scan.nz - 1, BOX_K[1]); k++)
            for (int j = BOX_J[0]; j <= Math.min(scan.ny - 1, BOX_J[1]); j++)
                for (int i = BOX_I[0]; i <= Math.min(scan.nx - 1, BOX_I[1]); i++) b[scan.index(i, j, k)] = true;
        return b;
    }

    static Result measure(String name, float[] map, boolean[] brain, boolean[] box) {
        if (map.length != brain.length || box.length != brain.length)
            throw new IllegalArgumentException("CraniumCheck: map has " + map.length + " voxels, the scan " + brain.length);
        int n = 0, nb = 0;
        for (int p = 0; p < brain.length; p++) if (brain[p]) { n++; if (box[p]) nb++; }
        if (nb == 0 || nb == n) throw new IllegalArgumentException("CraniumCheck: no brain voxels " + (nb == 0 ? "in" : "outside") + " the box; is this the cranium scan?");
        float[] s = new float[n];
        boolean[] in = new boolean[n];
        double sumBox = 0, sumRest = 0;
        for (int p = 0, q = 0; p < brain.length; p++) {
            if (!brain[p]) continue;
            s[q] = map[p];
            in[q] = box[p];
            if (box[p]) sumBox += map[p]; else sumRest += map[p];
            q++;
        }
        float[] sorted = s.clone();
        Arrays.sort(sorted);
        float top = sorted[(int) Math.floor(0.99 * (n - 1))];
        long topAll = 0, topBox = 0;
        for (int q = 0; q < n; q++) if (s[q] >= top) { topAll++; if (in[q]) topBox++; }
        double auroc = ScanScores.of(s, in).metrics(0.3).auroc();
        return new Result(name, n, nb, sumBox / nb, sumRest / (n - nb), auroc, (double) topBox / topAll);
    }

    /** −log p(HU) of the head's own voxels above −500 HU, 5 HU bins (+1 smoothing): the scan against itself. */
    static float[] ownIntensityBaseline(Volume scan) {
        float[] hu = scan.floats();
        int bins = (2000 + 1024) / 5 + 1;
        double[] count = new double[bins];
        Arrays.fill(count, 1);
        double total = bins;
        for (float v : hu) if (v > -500) { count[bin(v)]++; total++; }
        float[] out = new float[hu.length];
        for (int p = 0; p < hu.length; p++) out[p] = (float) -Math.log(count[bin(hu[p])] / total);
        return out;
    }

    private static int bin(float hu) {
        return (int) ((Math.max(-1024, Math.min(2000, hu)) + 1024) / 5);
    }
}
