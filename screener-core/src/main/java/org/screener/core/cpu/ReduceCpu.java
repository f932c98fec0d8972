package org.screener.core.cpu;

import java.util.Arrays;

/**
 * Sum and max reductions on float arrays (keep-dims output shape). Axes are first merged (size-1 axes
 * dropped, neighbours reduced alike fused), so every case becomes alternating kept / reduced blocks whose
 * innermost block is a contiguous run. Sums accumulate in double (runs in short float-vector blocks), so
 * 10^7-element sums stay within ~1e-7 relative error.
 *
 * <p>Two parallel schemes, both race free: with many outputs each task owns a set of output elements (or
 * a column block of an output row) and walks its inputs; with few outputs (a global sum, a per-channel sum
 * over a huge batch) the input is split into a fixed number of parts, each summing into a private partial,
 * and the partials are combined in part order. The part count depends on the size only, not on the thread
 * count, so results are reproducible for any number of threads.
 */
public final class ReduceCpu {
    private ReduceCpu() {}

    static final int MIN_CHUNK = 1 << 15;
    /** Column block of an output row owned by one task when the innermost axis is kept. */
    static final int COL_BLOCK = 2048;
    static final int MAX_PARTS = 16;

    public static void reduce(boolean max, float[] x, int[] xs, float[] out, int[] os) {
        Slots sl = new Slots("cpu reduce", "output shape", xs, os);
        final float identity = max ? Float.NEGATIVE_INFINITY : 0f;
        if (sl.n == 0) { Arrays.fill(out, 0, (int) sl.mOut, identity); return; }
        if (!sl.anyRed) { System.arraycopy(x, 0, out, 0, (int) sl.n); return; }
        final int U = sl.innerRed ? 1 : sl.L;                 // output elements per unit (an output row)
        long tasks = (long) sl.units * sl.colBlocks;
        if (tasks < MAX_PARTS && sl.n >= 2L * MIN_CHUNK) {
            reduceByParts(max, x, out, (int) sl.mOut, sl.dims, sl.red, sl.m, sl.n, U);
        } else {
            reduceByOutput(max, x, out, sl.L, sl.innerRed, sl.units, sl.colBlocks, sl.kDims, sl.kSt, sl.rDims, sl.rSt,
                    (int) (sl.n / sl.mOut));
        }
    }

    /** Offset in x of unit q's first element: q spread over the kept outer axes. */
    private static long unitBase(int q, int[] kDims, long[] kSt) {
        long base = 0;
        int rem = q;
        for (int d = kDims.length - 1; d >= 0; d--) {
            int c = rem % kDims[d];
            rem /= kDims[d];
            base += c * kSt[d];
        }
        return base;
    }

    /**
     * The layout reduce and firstMaxMask share: x's axes with size 1 dropped and neighbours of the same kind
     * (kept or reduced) merged into {@code m} axes {@code dims}/{@code red}; when something is reduced, the
     * innermost axis L, the units (output elements, or output rows when the innermost axis is kept), their
     * column blocks, and the outer axes split into kept and reduced with their strides in x.
     */
    private static final class Slots {
        final int[] dims;
        final boolean[] red;
        final int m;
        final long n, mOut;
        final boolean anyRed;
        int L, units, colBlocks;
        boolean innerRed;
        int[] kDims, rDims;
        long[] kSt, rSt;

        Slots(String op, String outName, int[] xs, int[] os) {
            int rank = xs.length;
            if (os.length != rank)
                throw new IllegalArgumentException(op + ": ranks differ: " + Arrays.toString(xs) + " vs " + Arrays.toString(os));
            int[] dm = new int[rank];
            boolean[] rd = new boolean[rank];
            int mm = 0;
            long nn = 1, mo = 1;
            for (int d = 0; d < rank; d++) {
                nn *= xs[d];
                mo *= os[d];
                if (os[d] != xs[d] && os[d] != 1)
                    throw new IllegalArgumentException(op + ": " + outName + " " + Arrays.toString(os)
                            + " is not a keep-dims reduction of " + Arrays.toString(xs));
                if (xs[d] == 1) continue;
                boolean r = os[d] == 1;
                if (mm > 0 && rd[mm - 1] == r) dm[mm - 1] *= xs[d];
                else { dm[mm] = xs[d]; rd[mm] = r; mm++; }
            }
            dims = dm; red = rd; m = mm; n = nn; mOut = mo;
            boolean any = false;
            for (int d = 0; d < m; d++) any |= red[d];
            anyRed = any;
            if (n == 0 || !anyRed) return;
            L = dims[m - 1];
            innerRed = red[m - 1];
            units = (int) (mOut / (innerRed ? 1 : L));
            long[] xst = new long[m];
            long st = 1;
            for (int d = m - 1; d >= 0; d--) { xst[d] = st; st *= dims[d]; }
            int nk = 0, nr = 0;
            for (int d = 0; d < m - 1; d++) if (red[d]) nr++; else nk++;
            kDims = new int[nk]; rDims = new int[nr];
            kSt = new long[nk]; rSt = new long[nr];
            for (int d = 0, ik = 0, ir = 0; d < m - 1; d++) {
                if (red[d]) { rDims[ir] = dims[d]; rSt[ir++] = xst[d]; }
                else { kDims[ik] = dims[d]; kSt[ik++] = xst[d]; }
            }
            colBlocks = innerRed ? 1 : (L + COL_BLOCK - 1) / COL_BLOCK;
        }
    }

    /** Many outputs: each task owns whole output elements (inner axis reduced) or column blocks of output rows. */
    private static void reduceByOutput(boolean max, float[] x, float[] out, int L, boolean innerRed, int units,
                                       int colBlocks, int[] kDims, long[] kSt, int[] rDims, long[] rSt, int perOut) {
        int nTasks = units * colBlocks;
        int minTasks = Math.max(1, MIN_CHUNK / Math.max(1, perOut * (innerRed ? 1 : Math.min(L, COL_BLOCK))));
        int nr = rDims.length;
        Parallel.forRange(nTasks, minTasks, (lo, hi) -> {
            int[] ridx = new int[nr];
            double[] acc = innerRed ? null : new double[Math.min(L, COL_BLOCK)];
            for (int t = lo; t < hi; t++) {
                int q = t / colBlocks, cb = t - q * colBlocks;
                long base = unitBase(q, kDims, kSt);
                Arrays.fill(ridx, 0);
                long off = base;
                if (innerRed) {
                    double a = max ? Double.NEGATIVE_INFINITY : 0;
                    while (true) {
                        a = max ? Math.max(a, runMax(x, (int) off, (int) off + L)) : a + runSum(x, (int) off, (int) off + L);
                        if (!advance(ridx, rDims, rSt, nr)) break;
                        off = base + offset(ridx, rSt, nr);
                    }
                    out[q] = (float) a;
                } else {
                    int c0 = cb * COL_BLOCK, len = Math.min(L - c0, COL_BLOCK);
                    Arrays.fill(acc, 0, len, max ? Double.NEGATIVE_INFINITY : 0);
                    while (true) {
                        int o = (int) off + c0;
                        if (max) for (int j = 0; j < len; j++) acc[j] = Math.max(acc[j], x[o + j]);
                        else for (int j = 0; j < len; j++) acc[j] += x[o + j];
                        if (!advance(ridx, rDims, rSt, nr)) break;
                        off = base + offset(ridx, rSt, nr);
                    }
                    int oo = q * L + c0;
                    for (int j = 0; j < len; j++) out[oo + j] = (float) acc[j];
                }
            }
        });
    }

    private static boolean advance(int[] idx, int[] dims, long[] st, int k) {
        for (int d = k - 1; d >= 0; d--) {
            if (++idx[d] < dims[d]) return true;
            idx[d] = 0;
        }
        return false;
    }

    private static long offset(int[] idx, long[] st, int k) {
        long o = 0;
        for (int d = 0; d < k; d++) o += idx[d] * st[d];
        return o;
    }

    /** Few outputs: split the input into parts with private partials, combined in part order. */
    private static void reduceByParts(boolean max, float[] x, float[] out, int mOut, int[] dims, boolean[] red, int m,
                                      long n, int U) {
        int parts = (int) Math.min(MAX_PARTS, n / MIN_CHUNK);
        long per = (n + parts - 1) / parts;
        double[][] partial = new double[parts][mOut];
        final int L = dims[m - 1];
        final boolean innerRed = red[m - 1];
        // unit index strides of the outer axes (0 along reduced axes)
        long[] ust = new long[m];
        long s = 1;
        for (int d = m - 2; d >= 0; d--) { ust[d] = red[d] ? 0 : s; if (!red[d]) s *= dims[d]; }
        Parallel.forRange(parts, 1, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                double[] acc = partial[p];
                if (max) Arrays.fill(acc, Double.NEGATIVE_INFINITY);
                long lo = p * per, hi = Math.min(n, lo + per);
                if (lo >= hi) continue;
                int[] idx = new int[m];
                long row = lo / L;
                int col = (int) (lo - row * L);
                long unit = 0;
                for (int d = m - 2; d >= 0; d--) {
                    long c = row % dims[d];
                    row /= dims[d];
                    idx[d] = (int) c;
                    unit += c * ust[d];
                }
                long pos = lo;
                while (pos < hi) {
                    int len = (int) Math.min(L - col, hi - pos);
                    int xo = (int) pos;
                    if (innerRed) {
                        int u = (int) unit;
                        acc[u] = max ? Math.max(acc[u], runMax(x, xo, xo + len)) : acc[u] + runSum(x, xo, xo + len);
                    } else {
                        int oo = (int) (unit * U) + col;
                        if (max) for (int j = 0; j < len; j++) acc[oo + j] = Math.max(acc[oo + j], x[xo + j]);
                        else for (int j = 0; j < len; j++) acc[oo + j] += x[xo + j];
                    }
                    pos += len;
                    col = 0;
                    for (int d = m - 2; d >= 0; d--) {
                        unit += ust[d];
                        if (++idx[d] < dims[d]) break;
                        unit -= ust[d] * dims[d];
                        idx[d] = 0;
                    }
                }
            }
        });
        for (int i = 0; i < mOut; i++) {
            double a = partial[0][i];
            for (int p = 1; p < parts; p++) a = max ? Math.max(a, partial[p][i]) : a + partial[p][i];
            out[i] = (float) a;
        }
    }

    static double runSum(float[] x, int lo, int hi) {
        if (ElementwiseCpu.VECTOR && hi - lo >= 64) return ElementwiseVector.sum(x, lo, hi);
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = lo;
        for (; i + 3 < hi; i += 4) { s0 += x[i]; s1 += x[i + 1]; s2 += x[i + 2]; s3 += x[i + 3]; }
        for (; i < hi; i++) s0 += x[i];
        return (s0 + s1) + (s2 + s3);
    }

    static float runMax(float[] x, int lo, int hi) {
        if (ElementwiseCpu.VECTOR && hi - lo >= 64) return ElementwiseVector.max(x, lo, hi, Float.NEGATIVE_INFINITY);
        float m = Float.NEGATIVE_INFINITY;
        for (int i = lo; i < hi; i++) m = Math.max(m, x[i]);
        return m;
    }

    /**
     * The backward mask of a max reduction (see {@code Backend.firstMaxMask}): 1 at the first position in
     * row-major order of each slot's window where x equals the slot's max (NaN equal to a NaN max), else 0.
     * Axes are merged as in {@link #reduce}; each task owns whole slots (or a column block of a row of slots)
     * and walks its window in order, stopping at the first hit, so the result does not depend on threads.
     */
    public static void firstMaxMask(float[] x, int[] xs, float[] max, int[] ms, float[] mask) {
        Slots sl = new Slots("cpu firstMaxMask", "max shape", xs, ms);
        long n = sl.n, mOut = sl.mOut;
        if (n == 0) return;
        final int total = (int) n;
        if (!sl.anyRed) {   // every slot holds one element: x itself is the max
            Parallel.forRange(total, MIN_CHUNK, (lo, hi) -> {
                for (int i = lo; i < hi; i++) mask[i] = same(x[i], max[i]) ? 1f : 0f;
            });
            return;
        }
        Arrays.fill(mask, 0, (int) n, 0f);
        final int L = sl.L, units = sl.units, colBlocks = sl.colBlocks;
        final boolean innerRed = sl.innerRed;
        final int[] kDims = sl.kDims, rDims = sl.rDims;
        final long[] kSt = sl.kSt, rSt = sl.rSt;
        int nTasks = units * colBlocks;
        int perOut = (int) (n / mOut);
        int minTasks = Math.max(1, MIN_CHUNK / Math.max(1, perOut * (innerRed ? 1 : Math.min(L, COL_BLOCK))));
        Parallel.forRange(nTasks, minTasks, (lo, hi) -> {
            int nr = rDims.length;
            int[] ridx = new int[nr];
            boolean[] found = innerRed ? null : new boolean[Math.min(L, COL_BLOCK)];
            for (int t = lo; t < hi; t++) {
                int q = t / colBlocks, cb = t - q * colBlocks;
                long base = unitBase(q, kDims, kSt);
                Arrays.fill(ridx, 0);
                long off = base;
                if (innerRed) {
                    float mx = max[q];
                    search:
                    while (true) {
                        for (int j = (int) off, e = j + L; j < e; j++)
                            if (same(x[j], mx)) { mask[j] = 1f; break search; }
                        if (!advance(ridx, rDims, rSt, nr)) break;
                        off = base + offset(ridx, rSt, nr);
                    }
                } else {
                    int c0 = cb * COL_BLOCK, len = Math.min(L - c0, COL_BLOCK), mo = q * L + c0, left = len;
                    Arrays.fill(found, 0, len, false);
                    while (left > 0) {
                        int o = (int) off + c0;
                        for (int j = 0; j < len; j++)
                            if (!found[j] && same(x[o + j], max[mo + j])) { mask[o + j] = 1f; found[j] = true; left--; }
                        if (!advance(ridx, rDims, rSt, nr)) break;
                        off = base + offset(ridx, rSt, nr);
                    }
                }
            }
        });
    }

    private static boolean same(float v, float m) { return v == m || v != v && m != m; }
}
