package org.screener.core.cpu;

import org.screener.core.Shape;

import java.util.Arrays;

/**
 * Box copy, permute, replicate padding and voxel gather/scatter on float arrays. Shapes are left-padded to
 * rank 5 so every kernel walks rows of the last axis with a contiguous (or fixed-stride) inner loop.
 */
public final class IndexCpu {
    private IndexCpu() {}

    private static int[] pad5(int[] s, int fill) {
        int[] r = new int[5];
        Arrays.fill(r, fill);
        System.arraycopy(s, 0, r, 5 - s.length, s.length);
        return r;
    }

    public static void copyBox(float[] src, int[] ss, int[] sStart, float[] dst, int[] ds, int[] dStart, int[] box, boolean acc) {
        int[] s5 = pad5(ss, 1), d5 = pad5(ds, 1), b5 = pad5(box, 1), so5 = pad5(sStart, 0), do5 = pad5(dStart, 0);
        if (Shape.numel(b5) == 0) return;
        long[] sst = Shape.strides(s5), dst5 = Shape.strides(d5);
        int rows = b5[0] * b5[1] * b5[2] * b5[3], len = b5[4];
        Parallel.forRange(rows, Math.max(1, 8192 / len), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int rem = r;
                int i3 = rem % b5[3]; rem /= b5[3];
                int i2 = rem % b5[2]; rem /= b5[2];
                int i1 = rem % b5[1]; int i0 = rem / b5[1];
                int so = (int) ((i0 + so5[0]) * sst[0] + (i1 + so5[1]) * sst[1] + (i2 + so5[2]) * sst[2]
                        + (i3 + so5[3]) * sst[3] + so5[4]);
                int dof = (int) ((i0 + do5[0]) * dst5[0] + (i1 + do5[1]) * dst5[1] + (i2 + do5[2]) * dst5[2]
                        + (i3 + do5[3]) * dst5[3] + do5[4]);
                if (acc) for (int k = 0; k < len; k++) dst[dof + k] += src[so + k];
                else System.arraycopy(src, so, dst, dof, len);
            }
        });
    }

    public static void permute(float[] src, int[] ss, int[] perm, float[] dst) {
        int r = ss.length;
        if (Shape.numel(ss) == 0) return;
        long[] sst = Shape.strides(ss);
        // dst axes (padded to 5) and the source stride each one walks
        int[] d5 = new int[5];
        long[] st5 = new long[5];
        Arrays.fill(d5, 1);
        for (int i = 0; i < r; i++) { d5[5 - r + i] = ss[perm[i]]; st5[5 - r + i] = sst[perm[i]]; }
        int rows = d5[0] * d5[1] * d5[2] * d5[3], len = d5[4];
        int step = (int) st5[4];
        int q = -1;   // the dst axis that walks the source contiguously, if it is not the last one
        for (int i = 0; i < 4; i++) if (st5[i] == 1 && d5[i] > 1) q = i;
        if (step != 1 && q >= 0 && len > 1) { transposeTiled(src, d5, st5, q, dst); return; }
        Parallel.forRange(rows, Math.max(1, 8192 / len), (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                int rem = row;
                int i3 = rem % d5[3]; rem /= d5[3];
                int i2 = rem % d5[2]; rem /= d5[2];
                int i1 = rem % d5[1]; int i0 = rem / d5[1];
                int so = (int) (i0 * st5[0] + i1 * st5[1] + i2 * st5[2] + i3 * st5[3]);
                int dof = row * len;
                for (int k = 0; k < len; k++, so += step) dst[dof + k] = src[so];
            }
        });
    }

    /**
     * Permute whose last dst axis is strided in the source while dst axis q is contiguous there: copied in
     * tiles over (q, last) so both sides stay in cache, instead of one strided read per element.
     */
    private static void transposeTiled(float[] src, int[] d5, long[] st5, int q, float[] dst) {
        long[] dt5 = Shape.strides(d5);
        int[] other = new int[3];
        for (int i = 0, k = 0; i < 4; i++) if (i != q) other[k++] = i;
        int n0 = d5[other[0]], n1 = d5[other[1]], n2 = d5[other[2]];
        int nq = d5[q], nl = d5[4], ls = (int) st5[4], qd = (int) dt5[q];
        Parallel.forRange(n0 * n1 * n2, 1, (lo, hi) -> {
            for (int o = lo; o < hi; o++) {
                int i2 = o % n2, i1 = (o / n2) % n1, i0 = o / (n1 * n2);
                int sb = (int) (i0 * st5[other[0]] + i1 * st5[other[1]] + i2 * st5[other[2]]);
                int db = (int) (i0 * dt5[other[0]] + i1 * dt5[other[1]] + i2 * dt5[other[2]]);
                tiles(src, sb, ls, dst, db, qd, nq, nl);
            }
        });
    }

    /**
     * dst[db + i·qd + j] = src[sb + i + j·ls] for i < nq, j < nl, in tiles of LONG along the axis walked innermost
     * (the one with the smaller stride) by SHORT along the other: long sequential runs for the prefetcher, few
     * concurrent streams for the cache (large power-of-two strides alias when many are walked at once).
     */
    private static void tiles(float[] src, int sb, int ls, float[] dst, int db, int qd, int nq, int nl) {
        final int LONG = 256, SHORT = 16;
        if (ls > qd) {
            for (int i0 = 0; i0 < nq; i0 += LONG) {
                int i1 = Math.min(nq, i0 + LONG);
                for (int j0 = 0; j0 < nl; j0 += SHORT) {
                    int j1 = Math.min(nl, j0 + SHORT);
                    for (int j = j0; j < j1; j++) {
                        int d = db + j, s = sb + j * ls;
                        for (int i = i0; i < i1; i++) dst[d + i * qd] = src[s + i];
                    }
                }
            }
        } else {
            for (int j0 = 0; j0 < nl; j0 += LONG) {
                int j1 = Math.min(nl, j0 + LONG);
                for (int i0 = 0; i0 < nq; i0 += SHORT) {
                    int i1 = Math.min(nq, i0 + SHORT);
                    for (int i = i0; i < i1; i++) {
                        int d = db + i * qd, s = sb + i;
                        for (int j = j0; j < j1; j++) dst[d + j] = src[s + j * ls];
                    }
                }
            }
        }
    }

    public static void padReplicate(float[] src, int[] ss, int[] lo, int[] hi, float[] dst) {
        int r = ss.length;
        int D = ss[r - 3], H = ss[r - 2], W = ss[r - 1];
        int OD = D + lo[0] + hi[0], OH = H + lo[1] + hi[1], OW = W + lo[2] + hi[2];
        int inVol = D * H * W, outVol = OD * OH * OW;
        if (inVol == 0) return;
        int planes = (int) (Shape.numel(ss) / inVol);
        int lw = lo[2];
        Parallel.forRange(planes * OD, Math.max(1, 8192 / (OH * OW)), (a, b) -> {
            for (int pd = a; pd < b; pd++) {
                int pl = pd / OD, d = pd % OD;
                int sd = clamp(d - lo[0], D);
                for (int h = 0; h < OH; h++) {
                    int s = pl * inVol + (sd * H + clamp(h - lo[1], H)) * W;
                    int o = pl * outVol + (d * OH + h) * OW;
                    Arrays.fill(dst, o, o + lw, src[s]);
                    System.arraycopy(src, s, dst, o + lw, W);
                    Arrays.fill(dst, o + lw + W, o + OW, src[s + W - 1]);
                }
            }
        });
    }

    public static void padReplicateBackward(float[] gdst, int[] ss, int[] lo, int[] hi, float[] gsrc) {
        int r = ss.length;
        int D = ss[r - 3], H = ss[r - 2], W = ss[r - 1];
        int OD = D + lo[0] + hi[0], OH = H + lo[1] + hi[1], OW = W + lo[2] + hi[2];
        int inVol = D * H * W, outVol = OD * OH * OW;
        if (inVol == 0) return;
        int planes = (int) (Shape.numel(ss) / inVol);
        int lw = lo[2];
        // one task per source plane: the dst rows folding onto it are all inside that plane
        Parallel.forRange(planes, Math.max(1, 8192 / outVol), (a, b) -> {
            for (int pl = a; pl < b; pl++) {
                Arrays.fill(gsrc, pl * inVol, (pl + 1) * inVol, 0f);
                for (int d = 0; d < OD; d++) {
                    int sd = clamp(d - lo[0], D);
                    for (int h = 0; h < OH; h++) {
                        int s = pl * inVol + (sd * H + clamp(h - lo[1], H)) * W;
                        int o = pl * outVol + (d * OH + h) * OW;
                        float first = 0f, last = 0f;
                        for (int k = 0; k < lw; k++) first += gdst[o + k];
                        for (int k = lw + W; k < OW; k++) last += gdst[o + k];
                        for (int k = 0; k < W; k++) gsrc[s + k] += gdst[o + lw + k];
                        gsrc[s] += first;
                        gsrc[s + W - 1] += last;
                    }
                }
            }
        });
    }

    private static int clamp(int i, int n) { return i < 0 ? 0 : (i >= n ? n - 1 : i); }

    /** Every index[i], i < m, in [0, n·v): the kernels' own check (the host-side one is in IndexTensor/Shapes). */
    static void checkVoxelIndex(String op, int[] index, int m, int n, long v) {
        if (m < 0 || m > index.length)
            throw new IllegalArgumentException(op + ": " + m + " indices asked of an int32 storage of " + index.length);
        long bound = n * v;
        for (int i = 0; i < m; i++)
            if (index[i] < 0 || index[i] >= bound)
                throw new IllegalArgumentException(op + ": index[" + i + "] = " + index[i] + " outside [0, " + bound + ")");
    }

    public static void gatherVoxels(float[] x, int n, int c, long v, int[] index, int m, float[] out) {
        checkVoxelIndex("gatherVoxels", index, m, n, v);
        Parallel.forRange(m, Math.max(1, 4096 / Math.max(1, c)), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                long b = index[i] / v, s = index[i] % v;
                int base = (int) (b * c * v + s), o = i * c;
                for (int ch = 0; ch < c; ch++) out[o + ch] = x[(int) (base + ch * v)];
            }
        });
    }

    public static void scatterAddVoxels(float[] g, int n, int c, long v, int[] index, int m, float[] gx) {
        checkVoxelIndex("scatterAddVoxels", index, m, n, v);
        // split by channel so repeated indices never race: each task owns whole channels
        Parallel.forRange(c, Math.max(1, 4096 / Math.max(1, m)), (lo, hi) -> {
            for (int i = 0; i < m; i++) {
                long b = index[i] / v, s = index[i] % v;
                long base = b * c * v + s;
                for (int ch = lo; ch < hi; ch++) gx[(int) (base + ch * v)] += g[i * c + ch];
            }
        });
    }

    /** out (N, C, S) = one-hot of the N·S targets in index (see Backend#oneHot). */
    public static void oneHot(int[] index, int n, int c, long s, float[] out) {
        long items = n * s;
        if (items > index.length)
            throw new IllegalArgumentException("oneHot: " + items + " targets asked of an int32 storage of " + index.length);
        for (int i = 0; i < items; i++)
            if (index[i] < 0 || index[i] >= c)
                throw new IllegalArgumentException("oneHot: index[" + i + "] = " + index[i] + " outside [0, " + c + ")");
        Arrays.fill(out, 0, (int) (items * c), 0f);
        Parallel.forRange((int) items, 8192, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                long b = i / s, sp = i - b * s;
                out[(int) ((b * c + index[i]) * s + sp)] = 1f;
            }
        });
    }
}
