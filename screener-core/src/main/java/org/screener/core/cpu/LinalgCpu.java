package org.screener.core.cpu;

import java.util.Arrays;

/**
 * Inverse and log|det| of a small d×d matrix (see {@code Backend.inverseLogAbsDet}): Glow's 1×1×1 conv, d
 * the number of channels (tens). An LU decomposition with partial pivoting in double on the float entries,
 * in the left-looking (Crout/JAMA) order that EJML's LUDecompositionAlt_DDRM uses, so log|det| is
 * bit-identical to the EJML path Linalg had before; the inverse solves the d unit vectors through the
 * factors and agrees with EJML's to double rounding. Single-threaded: O(d³) with d ~ 10-100 is microseconds.
 */
public final class LinalgCpu {
    private LinalgCpu() {}

    public static void inverseLogAbsDet(float[] a, int d, float[] scale, float[] inv, float[] logAbsDet) {
        if (d <= 0 || a.length < d * d)
            throw new IllegalArgumentException("cpu inverseLogAbsDet: need a " + d + "x" + d + " matrix, got " + a.length + " values");
        double[] lu = new double[d * d];
        boolean finite = true;
        for (int i = 0; i < d * d; i++) { lu[i] = a[i]; finite &= Float.isFinite(a[i]); }
        if (!finite) {
            if (inv != null) Arrays.fill(inv, 0, d * d, Float.NaN);
            if (logAbsDet != null) logAbsDet[0] = Float.NaN;
            return;
        }
        int[] perm = new int[d];
        for (int i = 0; i < d; i++) perm[i] = i;
        decompose(lu, d, perm);
        boolean singular = false, bad = false;
        double s = 0;
        for (int i = 0; i < d; i++) {
            double u = lu[i * d + i];
            singular |= u == 0;
            bad |= !Double.isFinite(u);
            s += Math.log(Math.abs(u));
        }
        if (logAbsDet != null) logAbsDet[0] = bad ? Float.NaN : singular ? Float.NEGATIVE_INFINITY : (float) s;
        if (inv == null) return;
        if (singular || bad) { Arrays.fill(inv, 0, d * d, Float.NaN); return; }
        double sc = scale == null ? 1 : scale[0];
        double[] x = new double[d];
        for (int j = 0; j < d; j++) {
            // column j of the inverse: solve L·U·x = P·e_j, L unit lower, U upper (both packed in lu)
            for (int i = 0; i < d; i++) x[i] = perm[i] == j ? 1 : 0;
            for (int i = 1; i < d; i++) {
                double v = x[i];
                for (int k = 0; k < i; k++) v -= lu[i * d + k] * x[k];
                x[i] = v;
            }
            for (int i = d - 1; i >= 0; i--) {
                double v = x[i];
                for (int k = i + 1; k < d; k++) v -= lu[i * d + k] * x[k];
                x[i] = v / lu[i * d + i];
            }
            for (int i = 0; i < d; i++) inv[i * d + j] = (float) (sc * x[i]);
        }
    }

    /**
     * In place: lu becomes the packed factors of the row-permuted matrix (L below the diagonal, unit diagonal
     * implied; U on and above), perm[i] the original row now at row i. Column by column: apply the earlier
     * eliminations to the column (one dot product per entry), pick the largest remaining entry as pivot,
     * swap it up, divide the multipliers by it (skipped for a zero pivot, which the caller reports).
     */
    static void decompose(double[] lu, int d, int[] perm) {
        double[] col = new double[d];
        for (int j = 0; j < d; j++) {
            for (int i = 0; i < d; i++) col[i] = lu[i * d + j];
            for (int i = 0; i < d; i++) {
                int kmax = Math.min(i, j), row = i * d;
                double dot = 0.0;
                for (int k = 0; k < kmax; k++) dot += lu[row + k] * col[k];
                col[i] -= dot;
                lu[row + j] = col[i];
            }
            int p = j;
            double best = Math.abs(col[j]);
            for (int i = j + 1; i < d; i++) {
                double v = Math.abs(col[i]);
                if (v > best) { p = i; best = v; }
            }
            if (p != j) {
                for (int k = 0; k < d; k++) {
                    double tmp = lu[p * d + k];
                    lu[p * d + k] = lu[j * d + k];
                    lu[j * d + k] = tmp;
                }
                int tp = perm[p]; perm[p] = perm[j]; perm[j] = tp;
            }
            double pivot = lu[j * d + j];
            if (pivot != 0)
                for (int i = j + 1; i < d; i++) lu[i * d + j] /= pivot;
        }
    }
}
