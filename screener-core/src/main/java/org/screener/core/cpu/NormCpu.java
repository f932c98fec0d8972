package org.screener.core.cpu;

/**
 * Fused row kernels behind group/instance/batch/layer norm (see {@code Backend.rowMoments} etc.): each is one
 * pass over the data (moments: two passes over a row, the second usually from cache), rows split over threads.
 * Sums accumulate in double with four independent accumulators so long rows neither lose precision nor stall
 * on one add chain.
 */
public final class NormCpu {
    private NormCpu() {}

    private static int minRows(int cols) { return Math.max(1, 16384 / Math.max(1, cols)); }

    public static void rowMoments(float[] x, int rows, int cols, float[] mean, float[] m2) {
        Parallel.forRange(rows, minRows(cols), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int o = r * cols, j = 0;
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (; j + 3 < cols; j += 4) { s0 += x[o + j]; s1 += x[o + j + 1]; s2 += x[o + j + 2]; s3 += x[o + j + 3]; }
                for (; j < cols; j++) s0 += x[o + j];
                double m = (s0 + s1 + s2 + s3) / cols;
                s0 = s1 = s2 = s3 = 0;
                j = 0;
                for (; j + 3 < cols; j += 4) {
                    double d0 = x[o + j] - m, d1 = x[o + j + 1] - m, d2 = x[o + j + 2] - m, d3 = x[o + j + 3] - m;
                    s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3;
                }
                for (; j < cols; j++) { double d = x[o + j] - m; s0 += d * d; }
                mean[r] = (float) m;
                m2[r] = (float) (s0 + s1 + s2 + s3);
            }
        });
    }

    public static void rowDots(float[] a, float[] b, float[] center, int rows, int cols, float[] sum, float[] dot) {
        Parallel.forRange(rows, minRows(cols), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int o = r * cols, j = 0;
                float c = center == null ? 0f : center[r];
                double s0 = 0, s1 = 0, p0 = 0, p1 = 0;
                for (; j + 1 < cols; j += 2) {
                    float a0 = a[o + j], a1 = a[o + j + 1];
                    s0 += a0; s1 += a1;
                    p0 += a0 * (b[o + j] - c); p1 += a1 * (b[o + j + 1] - c);
                }
                for (; j < cols; j++) { s0 += a[o + j]; p0 += a[o + j] * (b[o + j] - c); }
                sum[r] = (float) (s0 + s1);
                dot[r] = (float) (p0 + p1);
            }
        });
    }

    public static void rowAffine(float[] a, float[] scaleA, float[] b, float[] scaleB, float[] shift, int rows, int cols,
                                 float[] out) {
        Parallel.forRange(rows, minRows(cols), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int o = r * cols;
                float sa = scaleA[r], t = shift == null ? 0f : shift[r];
                if (b == null) {
                    for (int j = o; j < o + cols; j++) out[j] = sa * a[j] + t;
                } else {
                    float sb = scaleB[r];
                    for (int j = o; j < o + cols; j++) out[j] = sa * a[j] + sb * b[j] + t;
                }
            }
        });
    }
}
