package org.screener.core.ref;

import org.screener.core.Shape;

/** Plain box copy, permute, replicate padding and voxel gather/scatter in double, one element at a time. */
public final class IndexRef {
    private IndexRef() {}

    public static void copyBox(double[] src, int[] ss, int[] sStart, double[] dst, int[] ds, int[] dStart, int[] box, boolean acc) {
        int r = box.length;
        long[] sst = Shape.strides(ss), dst_ = Shape.strides(ds);
        long n = Shape.numel(box);
        int[] idx = new int[r];
        for (long e = 0; e < n; e++) {
            long rem = e, so = 0, dof = 0;
            for (int a = r - 1; a >= 0; a--) {
                idx[a] = (int) (rem % box[a]);
                rem /= box[a];
                so += (long) (idx[a] + sStart[a]) * sst[a];
                dof += (long) (idx[a] + dStart[a]) * dst_[a];
            }
            if (acc) dst[(int) dof] += src[(int) so];
            else dst[(int) dof] = src[(int) so];
        }
    }

    public static void permute(double[] src, int[] ss, int[] perm, double[] dst) {
        int r = ss.length;
        long[] sst = Shape.strides(ss);
        int[] ds = new int[r];
        for (int i = 0; i < r; i++) ds[i] = ss[perm[i]];
        long n = Shape.numel(ds);
        for (long e = 0; e < n; e++) {
            long rem = e, so = 0;
            for (int a = r - 1; a >= 0; a--) {
                long c = rem % ds[a];
                rem /= ds[a];
                so += c * sst[perm[a]];
            }
            dst[(int) e] = src[(int) so];
        }
    }

    public static void padReplicate(double[] src, int[] ss, int[] lo, int[] hi, double[] dst) {
        replicate(src, ss, lo, hi, dst, false);
    }

    public static void padReplicateBackward(double[] gdst, int[] ss, int[] lo, int[] hi, double[] gsrc) {
        java.util.Arrays.fill(gsrc, 0, (int) Shape.numel(ss), 0.0);
        replicate(gsrc, ss, lo, hi, gdst, true);
    }

    /** Forward: dst[o] = src[clamp(o − lo)]. Transpose: src[clamp(o − lo)] += dst[o]. */
    private static void replicate(double[] src, int[] ss, int[] lo, int[] hi, double[] dst, boolean transpose) {
        int r = ss.length;
        int D = ss[r - 3], H = ss[r - 2], W = ss[r - 1];
        int OD = D + lo[0] + hi[0], OH = H + lo[1] + hi[1], OW = W + lo[2] + hi[2];
        long planes = Shape.numel(ss) / ((long) D * H * W);
        for (long pl = 0; pl < planes; pl++)
            for (int d = 0; d < OD; d++)
                for (int h = 0; h < OH; h++)
                    for (int w = 0; w < OW; w++) {
                        int sd = clamp(d - lo[0], D), sh = clamp(h - lo[1], H), sw = clamp(w - lo[2], W);
                        int si = (int) (pl * D * H * W + ((long) sd * H + sh) * W + sw);
                        int oi = (int) (pl * OD * OH * OW + ((long) d * OH + h) * OW + w);
                        if (transpose) src[si] += dst[oi];
                        else dst[oi] = src[si];
                    }
    }

    private static int clamp(int i, int n) { return i < 0 ? 0 : (i >= n ? n - 1 : i); }

    private static void check(String op, int[] index, int m, long bound) {
        if (m < 0 || m > index.length) throw new IllegalArgumentException(op + ": " + m + " indices asked of an int32 storage of " + index.length);
        for (int i = 0; i < m; i++)
            if (index[i] < 0 || index[i] >= bound)
                throw new IllegalArgumentException(op + ": index[" + i + "] = " + index[i] + " outside [0, " + bound + ")");
    }

    public static void gatherVoxels(double[] x, int n, int c, long v, int[] index, int m, double[] out) {
        check("gatherVoxels", index, m, n * v);
        for (int i = 0; i < m; i++) {
            long b = index[i] / v, s = index[i] % v;
            for (int ch = 0; ch < c; ch++) out[i * c + ch] = x[(int) ((b * c + ch) * v + s)];
        }
    }

    public static void scatterAddVoxels(double[] g, int n, int c, long v, int[] index, int m, double[] gx) {
        check("scatterAddVoxels", index, m, n * v);
        for (int i = 0; i < m; i++) {
            long b = index[i] / v, s = index[i] % v;
            for (int ch = 0; ch < c; ch++) gx[(int) ((b * c + ch) * v + s)] += g[i * c + ch];
        }
    }

    /** out (N, C, S): 1 at (b, index[b·S + s], s), 0 elsewhere. */
    public static void oneHot(int[] index, int n, int c, long s, double[] out) {
        check("oneHot", index, (int) (n * s), c);
        for (int b = 0; b < n; b++)
            for (int k = 0; k < c; k++)
                for (long sp = 0; sp < s; sp++)
                    out[(int) ((b * (long) c + k) * s + sp)] = index[(int) (b * s + sp)] == k ? 1 : 0;
    }
}
