package org.screener.core.cpu;

import org.screener.core.NormSpec;

/**
 * Fused row kernels behind group/instance/batch/layer norm (see {@code Backend.rowMoments} etc.): each is one
 * pass over the data (moments: two passes over a row, the second usually from cache), rows split over threads.
 * Sums run in float over short blocks with independent lanes (no single add chain) and the block sums are
 * added in double, so long rows keep their precision.
 */
public final class NormCpu {
    private NormCpu() {}

    private static int minRows(int cols) { return Math.max(1, 16384 / Math.max(1, cols)); }

    /** Float partial sums over blocks this long (8 independent lanes), then added in double: fast and accurate. */
    private static final int BLOCK = 2048;

    public static void rowMoments(float[] x, int rows, int cols, float[] mean, float[] m2) {
        Parallel.forRange(rows, minRows(cols), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int o = r * cols;
                double m = sum(x, o, cols) / cols;
                mean[r] = (float) m;
                m2[r] = (float) sumSquaredDeviation(x, o, cols, (float) m);
            }
        });
    }

    static double sum(float[] x, int o, int n) {
        double total = 0;
        for (int b = 0; b < n; b += BLOCK) {
            int e = o + Math.min(n, b + BLOCK), j = o + b;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            for (; j + 7 < e; j += 8) {
                s0 += x[j]; s1 += x[j + 1]; s2 += x[j + 2]; s3 += x[j + 3];
                s4 += x[j + 4]; s5 += x[j + 5]; s6 += x[j + 6]; s7 += x[j + 7];
            }
            for (; j < e; j++) s0 += x[j];
            total += (double) ((s0 + s1) + (s2 + s3)) + (double) ((s4 + s5) + (s6 + s7));
        }
        return total;
    }

    static double sumSquaredDeviation(float[] x, int o, int n, float m) {
        double total = 0;
        for (int b = 0; b < n; b += BLOCK) {
            int e = o + Math.min(n, b + BLOCK), j = o + b;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
            for (; j + 7 < e; j += 8) {
                float d0 = x[j] - m, d1 = x[j + 1] - m, d2 = x[j + 2] - m, d3 = x[j + 3] - m;
                float d4 = x[j + 4] - m, d5 = x[j + 5] - m, d6 = x[j + 6] - m, d7 = x[j + 7] - m;
                s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3;
                s4 += d4 * d4; s5 += d5 * d5; s6 += d6 * d6; s7 += d7 * d7;
            }
            for (; j < e; j++) { float d = x[j] - m; s0 += d * d; }
            total += (double) ((s0 + s1) + (s2 + s3)) + (double) ((s4 + s5) + (s6 + s7));
        }
        return total;
    }

    public static void rowDots(float[] a, float[] b, float[] center, int rows, int cols, float[] sum, float[] dot) {
        Parallel.forRange(rows, minRows(cols), (lo, hi) -> {
            for (int r = lo; r < hi; r++) rowDot(a, b, center == null ? 0f : center[r], r * cols, cols, sum, dot, r);
        });
    }

    private static void rowDot(float[] a, float[] b, float c, int o, int cols, float[] sum, float[] dot, int r) {
        double ts = 0, tp = 0;
        for (int blk = 0; blk < cols; blk += BLOCK) {
            int e = o + Math.min(cols, blk + BLOCK), j = o + blk;
            float s0 = 0, s1 = 0, s2 = 0, s3 = 0, p0 = 0, p1 = 0, p2 = 0, p3 = 0;
            for (; j + 3 < e; j += 4) {
                float a0 = a[j], a1 = a[j + 1], a2 = a[j + 2], a3 = a[j + 3];
                s0 += a0; s1 += a1; s2 += a2; s3 += a3;
                p0 += a0 * (b[j] - c); p1 += a1 * (b[j + 1] - c); p2 += a2 * (b[j + 2] - c); p3 += a3 * (b[j + 3] - c);
            }
            for (; j < e; j++) { s0 += a[j]; p0 += a[j] * (b[j] - c); }
            ts += (double) ((s0 + s1) + (s2 + s3));
            tp += (double) ((p0 + p1) + (p2 + p3));
        }
        sum[r] = (float) ts;
        dot[r] = (float) tp;
    }

    public static void rowAffine(float[] a, float[] scaleA, float[] b, float[] scaleB, float[] shift, int rows, int cols,
                                 float[] out) {
        Parallel.forRange(rows, minRows(cols), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                float t = shift == null ? 0f : shift[r];
                if (b == null) affine1(a, scaleA[r], t, out, r * cols, cols);
                else affine2(a, scaleA[r], b, scaleB[r], t, out, r * cols, cols);
            }
        });
    }

    private static void affine1(float[] a, float sa, float t, float[] out, int o, int n) {
        for (int j = o; j < o + n; j++) out[j] = sa * a[j] + t;
    }

    private static void affine2(float[] a, float sa, float[] b, float sb, float t, float[] out, int o, int n) {
        for (int j = o; j < o + n; j++) out[j] = sa * a[j] + sb * b[j] + t;
    }

    // ---- statistics and coefficients (Backend.normForward / normBackward) --------------------------------
    // O(N·C) work on the row moments: single-threaded double loops over the float arrays, in exactly the
    // order of NormRef, so the float results are NormRef's rounded (and today's Norms, bit for bit).

    /** {mean, biased variance, rstd} per statistics group. */
    static double[][] stats(NormSpec p, float[] rowMean, float[] rowM2, float[] fixedMean, float[] fixedVar) {
        int rows = p.rows(), nStat = p.stats(), s = p.s();
        long cnt = p.count();
        double[] mu = new double[nStat], var = new double[nStat], rstd = new double[nStat];
        if (rowMean == null) {
            if (!p.batch() || fixedMean == null || fixedVar == null)
                throw new IllegalArgumentException("cpu norm statistics: give row moments, or fixed mean and variance in "
                        + "batch mode; " + p);
            for (int k = 0; k < nStat; k++) {
                mu[k] = fixedMean[k];
                var[k] = fixedVar[k];
                rstd[k] = 1 / Math.sqrt((double) fixedVar[k] + p.eps());   // in double, as from a double array
            }
            return new double[][]{mu, var, rstd};
        }
        if (cnt == 0) throw new IllegalArgumentException("cpu norm statistics: no values per group in " + p);
        for (int r = 0; r < rows; r++) mu[p.statOf(r)] += rowMean[r] * (double) s;
        for (int k = 0; k < nStat; k++) mu[k] /= cnt;
        for (int r = 0; r < rows; r++) {
            double d = rowMean[r] - mu[p.statOf(r)];
            var[p.statOf(r)] += rowM2[r] + s * d * d;
        }
        for (int k = 0; k < nStat; k++) {
            var[k] /= cnt;
            rstd[k] = 1 / Math.sqrt(var[k] + p.eps());
        }
        return new double[][]{mu, var, rstd};
    }

    public static void normForward(NormSpec p, float[] rowMean, float[] rowM2, float[] fixedMean, float[] fixedVar,
                                   float[] gamma, float[] beta, float[] scale, float[] shift, float[] center,
                                   float[] runningMean, float[] runningVar, float momentum) {
        double[][] st = stats(p, rowMean, rowM2, fixedMean, fixedVar);
        double[] mu = st[0], var = st[1], rstd = st[2];
        int rows = p.rows(), c = p.c();
        for (int r = 0; r < rows; r++) {
            int k = p.statOf(r), ch = r % c;
            double sc = rstd[k] * (gamma == null ? 1 : (double) gamma[ch]);
            scale[r] = (float) sc;
            shift[r] = (float) ((beta == null ? 0 : (double) beta[ch]) - mu[k] * sc);
            center[r] = (float) mu[k];
        }
        if (runningMean != null || runningVar != null) {
            if (runningMean == null || runningVar == null || !p.batch() || rowMean == null)
                throw new IllegalArgumentException("cpu norm statistics: running statistics need both arrays, batch mode "
                        + "and statistics from row moments; " + p);
            long cnt = p.count();
            if (cnt < 2) throw new IllegalArgumentException("cpu norm statistics: the unbiased variance needs more than "
                    + "one value per channel; " + p);
            for (int k = 0; k < c; k++) {
                runningMean[k] = (float) ((1 - momentum) * (double) runningMean[k] + momentum * mu[k]);
                runningVar[k] = (float) ((1 - momentum) * (double) runningVar[k] + momentum * var[k] * cnt / (cnt - 1));
            }
        }
    }

    public static void normBackward(NormSpec p, float[] rowMean, float[] rowM2, float[] fixedMean, float[] fixedVar,
                                    float[] gamma, float[] sumG, float[] sumGC,
                                    float[] a, float[] b, float[] t, float[] dgamma, float[] dbeta) {
        double[][] st = stats(p, rowMean, rowM2, fixedMean, fixedVar);
        double[] mu = st[0], rstd = st[2];
        int rows = p.rows(), c = p.c(), nStat = p.stats();
        long cnt = p.count();
        if (dgamma != null) {
            double[] d = new double[c];
            for (int r = 0; r < rows; r++) d[r % c] += rstd[p.statOf(r)] * sumGC[r];
            for (int ch = 0; ch < c; ch++) dgamma[ch] = (float) d[ch];
        }
        if (dbeta != null) {
            double[] d = new double[c];
            for (int r = 0; r < rows; r++) d[r % c] += sumG[r];
            for (int ch = 0; ch < c; ch++) dbeta[ch] = (float) d[ch];
        }
        if (a == null && b == null && t == null) return;
        boolean fixed = rowMean == null;
        double[] k1 = new double[nStat], k2 = new double[nStat];
        if (!fixed) {
            for (int r = 0; r < rows; r++) {
                int k = p.statOf(r);
                double gm = gamma == null ? 1 : (double) gamma[r % c];
                k1[k] += gm * sumG[r];
                k2[k] += gm * rstd[k] * sumGC[r];
            }
            for (int k = 0; k < nStat; k++) { k1[k] /= cnt; k2[k] /= cnt; }
        }
        for (int r = 0; r < rows; r++) {
            int k = p.statOf(r);
            double rs = rstd[k];
            if (a != null) a[r] = (float) (rs * (gamma == null ? 1 : (double) gamma[r % c]));
            if (fixed) continue;
            if (b != null) b[r] = (float) (-rs * rs * k2[k]);
            if (t != null) t[r] = (float) (rs * rs * k2[k] * mu[k] - rs * k1[k]);
        }
    }
}
