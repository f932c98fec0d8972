package org.screener.core.cpu;

import org.screener.core.Shape;

/** Sum and max reductions on float arrays (keep-dims output shape). */
public final class ReduceCpu {
    private ReduceCpu() {}

    public static void reduce(boolean max, float[] x, int[] xs, float[] out, int[] os) {
        int rank = xs.length;
        long[] xst = Shape.strides(xs), ost = Shape.strides(os);
        int on = (int) Shape.numel(os);
        double[] res = new double[on];
        java.util.Arrays.fill(res, max ? Double.NEGATIVE_INFINITY : 0);
        long n = Shape.numel(xs);
        for (long i = 0; i < n; i++) {
            long io = 0, rem = i;
            for (int d = 0; d < rank; d++) {
                long c = rem / xst[d];
                rem -= c * xst[d];
                if (os[d] != 1) io += c * ost[d];
            }
            float v = x[(int) i];
            res[(int) io] = max ? Math.max(res[(int) io], v) : res[(int) io] + v;
        }
        for (int i = 0; i < on; i++) out[i] = (float) res[i];
    }
}
