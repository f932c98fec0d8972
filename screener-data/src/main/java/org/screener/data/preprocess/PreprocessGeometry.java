package org.screener.data.preprocess;

import java.util.Arrays;
import org.screener.core.cpu.Parallel;

/**
 * How a preprocessed grid sits in its original scan: the body-crop box [cropLo, cropHi) in original voxels
 * and the resampling step (target / original spacing). Preprocessed voxel o lies at original voxel coordinate
 * {@code cropLo + o * step}. {@link #toOriginal} maps a map computed on the preprocessed grid back.
 */
public final class PreprocessGeometry {
    public final int[] origDims, cropLo, cropHi, outDims;
    public final double[] origSpacing, outSpacing, step;
    private final double[][] origAffine;

    public PreprocessGeometry(int[] origDims, double[] origSpacing, double[][] origAffine, int[] cropLo, int[] cropHi,
                              int[] outDims, double[] outSpacing) {
        this.origDims = origDims.clone(); this.origSpacing = origSpacing.clone(); this.origAffine = copy(origAffine);
        this.cropLo = cropLo.clone(); this.cropHi = cropHi.clone(); this.outDims = outDims.clone();
        this.outSpacing = outSpacing.clone();
        step = new double[3];
        for (int a = 0; a < 3; a++) {
            if (cropLo[a] < 0 || cropHi[a] > origDims[a] || cropLo[a] >= cropHi[a])
                throw new IllegalArgumentException("PreprocessGeometry: crop box " + Arrays.toString(cropLo) + ".." + Arrays.toString(cropHi) + " outside " + Arrays.toString(origDims));
            step[a] = Math.abs(outSpacing[a] / origSpacing[a]);
        }
    }

    public double[][] origAffine() { return copy(origAffine); }

    /** Affine of the preprocessed grid: original affine · translate(cropLo) · diag(step). */
    public double[][] outAffine() {
        double[][] a = new double[4][4];
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 3; c++) a[r][c] = origAffine[r][c] * step[c];
            double t = origAffine[r][3];
            for (int c = 0; c < 3; c++) t += origAffine[r][c] * cropLo[c];
            a[r][3] = t;
        }
        return a;
    }

    /**
     * Map on the preprocessed grid (outDims, x fastest) → map on the original grid: trilinear inside the crop
     * box (clamped to the grid's edge), {@code fill} outside it.
     */
    public float[] toOriginal(float[] map, float fill) {
        long need = (long) outDims[0] * outDims[1] * outDims[2];
        if (map.length != need) throw new IllegalArgumentException("PreprocessGeometry.toOriginal: map has " + map.length + " voxels, grid " + Arrays.toString(outDims) + " needs " + need);
        int nx = origDims[0], ny = origDims[1], nz = origDims[2];
        int ox = outDims[0], oy = outDims[1];
        Inv[] ax = new Inv[3];
        for (int a = 0; a < 3; a++) ax[a] = new Inv(cropLo[a], cropHi[a], outDims[a], step[a]);
        float[] dst = new float[Math.multiplyExact(Math.multiplyExact(nx, ny), nz)];
        Parallel.forRange(nz, 1, (k0, k1) -> {
            for (int k = k0; k < k1; k++) {
                int base = k * ny * nx;
                if (k < cropLo[2] || k >= cropHi[2]) { Arrays.fill(dst, base, base + ny * nx, fill); continue; }
                int z0 = ax[2].i0[k], z1 = ax[2].i1[k];
                float wz = ax[2].w[k];
                for (int j = 0; j < ny; j++) {
                    int d = base + j * nx;
                    if (j < cropLo[1] || j >= cropHi[1]) { Arrays.fill(dst, d, d + nx, fill); continue; }
                    int y0 = ax[1].i0[j], y1 = ax[1].i1[j];
                    float wy = ax[1].w[j];
                    int r00 = (z0 * oy + y0) * ox, r01 = (z0 * oy + y1) * ox, r10 = (z1 * oy + y0) * ox, r11 = (z1 * oy + y1) * ox;
                    for (int i = 0; i < nx; i++) {
                        if (i < cropLo[0] || i >= cropHi[0]) { dst[d + i] = fill; continue; }
                        int x0 = ax[0].i0[i], x1 = ax[0].i1[i];
                        float wx = ax[0].w[i];
                        float c00 = lerp(map[r00 + x0], map[r00 + x1], wx), c01 = lerp(map[r01 + x0], map[r01 + x1], wx);
                        float c10 = lerp(map[r10 + x0], map[r10 + x1], wx), c11 = lerp(map[r11 + x0], map[r11 + x1], wx);
                        dst[d + i] = lerp(lerp(c00, c01, wy), lerp(c10, c11, wy), wz);
                    }
                }
            }
        });
        return dst;
    }

    // (1-w)a + wb: exact for a == b, so constant maps come back unchanged
    private static float lerp(float a, float b, float w) { return a == b ? a : a + w * (b - a); }

    /** Per original index along one axis: the two preprocessed neighbours and weight (valid inside the crop). */
    private static final class Inv {
        final int[] i0, i1; final float[] w;
        Inv(int lo, int hi, int n, double step) {
            int len = hi;
            i0 = new int[len]; i1 = new int[len]; w = new float[len];
            for (int i = lo; i < hi; i++) {
                double c = Math.min(Math.max((i - lo) / step, 0), n - 1);
                int a = (int) Math.floor(c);
                i0[i] = a; i1[i] = Math.min(a + 1, n - 1); w[i] = (float) (c - a);
            }
        }
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[4][];
        for (int r = 0; r < 4; r++) c[r] = Arrays.copyOf(a[r], 4);
        return c;
    }

    @Override public String toString() {
        return "PreprocessGeometry[orig " + Arrays.toString(origDims) + " @ " + Arrays.toString(origSpacing) + ", crop "
                + Arrays.toString(cropLo) + ".." + Arrays.toString(cropHi) + " -> " + Arrays.toString(outDims) + " @ " + Arrays.toString(outSpacing) + "]";
    }
}
