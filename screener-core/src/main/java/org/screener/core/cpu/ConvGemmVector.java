package org.screener.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link ConvGemm}: a register tile of 8 rows × 2 vectors (16 accumulators), A broadcast from
 * memory, B loaded as vectors. Loaded only after the jdk.incubator.vector module was found.
 */
final class ConvGemmVector implements ConvGemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int KB = Integer.getInteger("screener.conv.kblock", 256);

    /**
     * One vector: a 32³ UNet level has 16 Winograd tiles per row, and with a width of two vectors half of every
     * GEMM there (and 20 of the 32 columns of a 12-channel weight gradient) was padding. Column blocks of two
     * vectors take the 8 × 2 tile; a last single vector the 8 × 1 one.
     */
    @Override public int width() { return L; }

    @Override public void gemm(int m, int nw, int p, float[] a, int ao, int[] aoff, float[] b, int bo, int[] boff,
                               float[] c, int co, int ldc, boolean accumulate) {
        // blocks of the inner dimension keep the B panel and the A rows of a tile in L1 across row blocks
        for (int q0 = 0; q0 < p; q0 += KB) {
            int q1 = Math.min(p, q0 + KB);
            boolean acc = accumulate || q0 > 0;
            for (int j = 0; j < nw; j += 2 * L) {
                int i = 0;
                if (j + 2 * L > nw) {     // a last single vector
                    for (; i + 8 <= m; i += 8) k8x1(i, j, q0, q1, a, ao, aoff, b, bo, boff, c, co, ldc, acc);
                    if (i + 4 <= m) {
                        k4x1(i, j, q0, q1, a, ao, aoff, b, bo, boff, c, co, ldc, acc);
                        i += 4;
                    }
                    for (; i < m; i++) k1x1(i, j, q0, q1, a, ao, aoff, b, bo, boff, c, co, ldc, acc);
                    continue;
                }
                for (; i + 8 <= m; i += 8) k8(i, j, q0, q1, a, ao, aoff, b, bo, boff, c, co, ldc, acc);
                // k1's two accumulator chains leave most of the FMA pipes idle: rows 12 and 24 spent longer in
                // their last 4 rows (k1) than in the first 8 or 16 (k8) before k4 took them
                if (i + 4 <= m) {
                    k4(i, j, q0, q1, a, ao, aoff, b, bo, boff, c, co, ldc, acc);
                    i += 4;
                }
                for (; i < m; i++) k1(i, j, q0, q1, a, ao, aoff, b, bo, boff, c, co, ldc, acc);
            }
        }
    }

    private static void k8(int i, int j, int q0, int q1, float[] a, int ao, int[] aoff, float[] b, int bo, int[] boff,
                           float[] c, int co, int ldc, boolean acc) {
        int a0 = ao + aoff[i + 0];
        int a1 = ao + aoff[i + 1];
        int a2 = ao + aoff[i + 2];
        int a3 = ao + aoff[i + 3];
        int a4 = ao + aoff[i + 4];
        int a5 = ao + aoff[i + 5];
        int a6 = ao + aoff[i + 6];
        int a7 = ao + aoff[i + 7];
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int q = q0; q < q1; q++) {
            int bi = bo + boff[q] + j;
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector v0 = FloatVector.broadcast(S, a[a0 + q]); c00 = v0.fma(b0, c00); c01 = v0.fma(b1, c01);
            FloatVector v1 = FloatVector.broadcast(S, a[a1 + q]); c10 = v1.fma(b0, c10); c11 = v1.fma(b1, c11);
            FloatVector v2 = FloatVector.broadcast(S, a[a2 + q]); c20 = v2.fma(b0, c20); c21 = v2.fma(b1, c21);
            FloatVector v3 = FloatVector.broadcast(S, a[a3 + q]); c30 = v3.fma(b0, c30); c31 = v3.fma(b1, c31);
            FloatVector v4 = FloatVector.broadcast(S, a[a4 + q]); c40 = v4.fma(b0, c40); c41 = v4.fma(b1, c41);
            FloatVector v5 = FloatVector.broadcast(S, a[a5 + q]); c50 = v5.fma(b0, c50); c51 = v5.fma(b1, c51);
            FloatVector v6 = FloatVector.broadcast(S, a[a6 + q]); c60 = v6.fma(b0, c60); c61 = v6.fma(b1, c61);
            FloatVector v7 = FloatVector.broadcast(S, a[a7 + q]); c70 = v7.fma(b0, c70); c71 = v7.fma(b1, c71);
        }
        int ci = co + i * ldc + j;
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(S, c, ci + 0 * ldc)); c01 = c01.add(FloatVector.fromArray(S, c, ci + 0 * ldc + L));
            c10 = c10.add(FloatVector.fromArray(S, c, ci + 1 * ldc)); c11 = c11.add(FloatVector.fromArray(S, c, ci + 1 * ldc + L));
            c20 = c20.add(FloatVector.fromArray(S, c, ci + 2 * ldc)); c21 = c21.add(FloatVector.fromArray(S, c, ci + 2 * ldc + L));
            c30 = c30.add(FloatVector.fromArray(S, c, ci + 3 * ldc)); c31 = c31.add(FloatVector.fromArray(S, c, ci + 3 * ldc + L));
            c40 = c40.add(FloatVector.fromArray(S, c, ci + 4 * ldc)); c41 = c41.add(FloatVector.fromArray(S, c, ci + 4 * ldc + L));
            c50 = c50.add(FloatVector.fromArray(S, c, ci + 5 * ldc)); c51 = c51.add(FloatVector.fromArray(S, c, ci + 5 * ldc + L));
            c60 = c60.add(FloatVector.fromArray(S, c, ci + 6 * ldc)); c61 = c61.add(FloatVector.fromArray(S, c, ci + 6 * ldc + L));
            c70 = c70.add(FloatVector.fromArray(S, c, ci + 7 * ldc)); c71 = c71.add(FloatVector.fromArray(S, c, ci + 7 * ldc + L));
        }
        c00.intoArray(c, ci + 0 * ldc); c01.intoArray(c, ci + 0 * ldc + L);
        c10.intoArray(c, ci + 1 * ldc); c11.intoArray(c, ci + 1 * ldc + L);
        c20.intoArray(c, ci + 2 * ldc); c21.intoArray(c, ci + 2 * ldc + L);
        c30.intoArray(c, ci + 3 * ldc); c31.intoArray(c, ci + 3 * ldc + L);
        c40.intoArray(c, ci + 4 * ldc); c41.intoArray(c, ci + 4 * ldc + L);
        c50.intoArray(c, ci + 5 * ldc); c51.intoArray(c, ci + 5 * ldc + L);
        c60.intoArray(c, ci + 6 * ldc); c61.intoArray(c, ci + 6 * ldc + L);
        c70.intoArray(c, ci + 7 * ldc); c71.intoArray(c, ci + 7 * ldc + L);
    }

    private static void k4(int i, int j, int q0, int q1, float[] a, int ao, int[] aoff, float[] b, int bo, int[] boff,
                           float[] c, int co, int ldc, boolean acc) {
        int a0 = ao + aoff[i + 0];
        int a1 = ao + aoff[i + 1];
        int a2 = ao + aoff[i + 2];
        int a3 = ao + aoff[i + 3];
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int q = q0; q < q1; q++) {
            int bi = bo + boff[q] + j;
            FloatVector b0 = FloatVector.fromArray(S, b, bi), b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector v0 = FloatVector.broadcast(S, a[a0 + q]); c00 = v0.fma(b0, c00); c01 = v0.fma(b1, c01);
            FloatVector v1 = FloatVector.broadcast(S, a[a1 + q]); c10 = v1.fma(b0, c10); c11 = v1.fma(b1, c11);
            FloatVector v2 = FloatVector.broadcast(S, a[a2 + q]); c20 = v2.fma(b0, c20); c21 = v2.fma(b1, c21);
            FloatVector v3 = FloatVector.broadcast(S, a[a3 + q]); c30 = v3.fma(b0, c30); c31 = v3.fma(b1, c31);
        }
        int ci = co + i * ldc + j;
        if (acc) {
            c00 = c00.add(FloatVector.fromArray(S, c, ci + 0 * ldc)); c01 = c01.add(FloatVector.fromArray(S, c, ci + 0 * ldc + L));
            c10 = c10.add(FloatVector.fromArray(S, c, ci + 1 * ldc)); c11 = c11.add(FloatVector.fromArray(S, c, ci + 1 * ldc + L));
            c20 = c20.add(FloatVector.fromArray(S, c, ci + 2 * ldc)); c21 = c21.add(FloatVector.fromArray(S, c, ci + 2 * ldc + L));
            c30 = c30.add(FloatVector.fromArray(S, c, ci + 3 * ldc)); c31 = c31.add(FloatVector.fromArray(S, c, ci + 3 * ldc + L));
        }
        c00.intoArray(c, ci + 0 * ldc); c01.intoArray(c, ci + 0 * ldc + L);
        c10.intoArray(c, ci + 1 * ldc); c11.intoArray(c, ci + 1 * ldc + L);
        c20.intoArray(c, ci + 2 * ldc); c21.intoArray(c, ci + 2 * ldc + L);
        c30.intoArray(c, ci + 3 * ldc); c31.intoArray(c, ci + 3 * ldc + L);
    }

    private static void k1(int i, int j, int q0, int q1, float[] a, int ao, int[] aoff, float[] b, int bo, int[] boff,
                           float[] c, int co, int ldc, boolean acc) {
        int a0 = ao + aoff[i];
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S);
        for (int q = q0; q < q1; q++) {
            int bi = bo + boff[q] + j;
            FloatVector v = FloatVector.broadcast(S, a[a0 + q]);
            c0 = v.fma(FloatVector.fromArray(S, b, bi), c0);
            c1 = v.fma(FloatVector.fromArray(S, b, bi + L), c1);
        }
        int ci = co + i * ldc + j;
        if (acc) { c0 = c0.add(FloatVector.fromArray(S, c, ci)); c1 = c1.add(FloatVector.fromArray(S, c, ci + L)); }
        c0.intoArray(c, ci); c1.intoArray(c, ci + L);
    }

    private static void k8x1(int i, int j, int q0, int q1, float[] a, int ao, int[] aoff, float[] b, int bo, int[] boff,
                             float[] c, int co, int ldc, boolean acc) {
        int a0 = ao + aoff[i + 0];
        int a1 = ao + aoff[i + 1];
        int a2 = ao + aoff[i + 2];
        int a3 = ao + aoff[i + 3];
        int a4 = ao + aoff[i + 4];
        int a5 = ao + aoff[i + 5];
        int a6 = ao + aoff[i + 6];
        int a7 = ao + aoff[i + 7];
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        FloatVector c4 = FloatVector.zero(S), c5 = FloatVector.zero(S), c6 = FloatVector.zero(S), c7 = FloatVector.zero(S);
        for (int q = q0; q < q1; q++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo + boff[q] + j);
            c0 = FloatVector.broadcast(S, a[a0 + q]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + q]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + q]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + q]).fma(b0, c3);
            c4 = FloatVector.broadcast(S, a[a4 + q]).fma(b0, c4);
            c5 = FloatVector.broadcast(S, a[a5 + q]).fma(b0, c5);
            c6 = FloatVector.broadcast(S, a[a6 + q]).fma(b0, c6);
            c7 = FloatVector.broadcast(S, a[a7 + q]).fma(b0, c7);
        }
        int ci = co + i * ldc + j;
        if (acc) {
            c0 = c0.add(FloatVector.fromArray(S, c, ci + 0 * ldc));
            c1 = c1.add(FloatVector.fromArray(S, c, ci + 1 * ldc));
            c2 = c2.add(FloatVector.fromArray(S, c, ci + 2 * ldc));
            c3 = c3.add(FloatVector.fromArray(S, c, ci + 3 * ldc));
            c4 = c4.add(FloatVector.fromArray(S, c, ci + 4 * ldc));
            c5 = c5.add(FloatVector.fromArray(S, c, ci + 5 * ldc));
            c6 = c6.add(FloatVector.fromArray(S, c, ci + 6 * ldc));
            c7 = c7.add(FloatVector.fromArray(S, c, ci + 7 * ldc));
        }
        c0.intoArray(c, ci + 0 * ldc);
        c1.intoArray(c, ci + 1 * ldc);
        c2.intoArray(c, ci + 2 * ldc);
        c3.intoArray(c, ci + 3 * ldc);
        c4.intoArray(c, ci + 4 * ldc);
        c5.intoArray(c, ci + 5 * ldc);
        c6.intoArray(c, ci + 6 * ldc);
        c7.intoArray(c, ci + 7 * ldc);
    }

    private static void k4x1(int i, int j, int q0, int q1, float[] a, int ao, int[] aoff, float[] b, int bo, int[] boff,
                             float[] c, int co, int ldc, boolean acc) {
        int a0 = ao + aoff[i + 0];
        int a1 = ao + aoff[i + 1];
        int a2 = ao + aoff[i + 2];
        int a3 = ao + aoff[i + 3];
        FloatVector c0 = FloatVector.zero(S), c1 = FloatVector.zero(S), c2 = FloatVector.zero(S), c3 = FloatVector.zero(S);
        for (int q = q0; q < q1; q++) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo + boff[q] + j);
            c0 = FloatVector.broadcast(S, a[a0 + q]).fma(b0, c0);
            c1 = FloatVector.broadcast(S, a[a1 + q]).fma(b0, c1);
            c2 = FloatVector.broadcast(S, a[a2 + q]).fma(b0, c2);
            c3 = FloatVector.broadcast(S, a[a3 + q]).fma(b0, c3);
        }
        int ci = co + i * ldc + j;
        if (acc) {
            c0 = c0.add(FloatVector.fromArray(S, c, ci + 0 * ldc));
            c1 = c1.add(FloatVector.fromArray(S, c, ci + 1 * ldc));
            c2 = c2.add(FloatVector.fromArray(S, c, ci + 2 * ldc));
            c3 = c3.add(FloatVector.fromArray(S, c, ci + 3 * ldc));
        }
        c0.intoArray(c, ci + 0 * ldc);
        c1.intoArray(c, ci + 1 * ldc);
        c2.intoArray(c, ci + 2 * ldc);
        c3.intoArray(c, ci + 3 * ldc);
    }

    private static void k1x1(int i, int j, int q0, int q1, float[] a, int ao, int[] aoff, float[] b, int bo, int[] boff,
                             float[] c, int co, int ldc, boolean acc) {
        int a0 = ao + aoff[i];
        FloatVector c0 = FloatVector.zero(S);
        for (int q = q0; q < q1; q++) c0 = FloatVector.broadcast(S, a[a0 + q]).fma(FloatVector.fromArray(S, b, bo + boff[q] + j), c0);
        int ci = co + i * ldc + j;
        if (acc) c0 = c0.add(FloatVector.fromArray(S, c, ci));
        c0.intoArray(c, ci);
    }

    // The transforms go through small 4-row helpers: one big method with 64 vector temporaries exceeds C2's
    // inlining budget, and a non-inlined Vector API call boxes every vector.
    private final ThreadLocal<float[]> tmp = new ThreadLocal<>();

    private float[] tmp(int n) {
        float[] t = tmp.get();
        if (t == null || t.length < n) { t = new float[n]; tmp.set(t); }
        return t;
    }

    @Override public void winogradIn(float[] src, int[] o, float[] dst, int dOff, int ds, int n) {
        float[] t = tmp(16 * n);
        // along the first axis: t[a'][b] from src rows r[0..3][b]
        for (int b = 0; b < 4; b++) bt4(src, o[b], o[4 + b], o[8 + b], o[12 + b], t, b * n, (4 + b) * n, (8 + b) * n, (12 + b) * n, n);
        // along the second axis: dst[a'][b'] from t[a'][0..3]
        for (int a = 0; a < 4; a++) {
            int d = dOff + a * 4 * ds;
            bt4(t, a * 4 * n, (a * 4 + 1) * n, (a * 4 + 2) * n, (a * 4 + 3) * n, dst, d, d + ds, d + 2 * ds, d + 3 * ds, n);
        }
    }

    // Forward transforms take any column count: whole vectors, then scalar columns. Two ways to spare a short
    // row (4 tiles on 16 lanes) its unused lanes were measured and dropped: 128- and 256-bit species for the
    // tail made C2 box vectors throughout (630 MB allocated per 8³ pass, in the unchanged GEMM tiles too: keep
    // one vector shape per JVM), and scalar columns were slower than one 3/4-empty vector (16³: 13.8 ms
    // forward against 8.7), so Conv3dWinograd passes whole vectors.

    /** B^T applied to 4 rows: (r0 - r2, r1 + r2, r2 - r1, r1 - r3). */
    private static void bt4(float[] s, int s0, int s1, int s2, int s3, float[] d, int d0, int d1, int d2, int d3, int n) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector r0 = FloatVector.fromArray(S, s, s0 + j), r1 = FloatVector.fromArray(S, s, s1 + j);
            FloatVector r2 = FloatVector.fromArray(S, s, s2 + j), r3 = FloatVector.fromArray(S, s, s3 + j);
            r0.sub(r2).intoArray(d, d0 + j);
            r1.add(r2).intoArray(d, d1 + j);
            r2.sub(r1).intoArray(d, d2 + j);
            r1.sub(r3).intoArray(d, d3 + j);
        }
        for (; j < n; j++) {
            float r0 = s[s0 + j], r1 = s[s1 + j], r2 = s[s2 + j], r3 = s[s3 + j];
            d[d0 + j] = r0 - r2; d[d1 + j] = r1 + r2; d[d2 + j] = r2 - r1; d[d3 + j] = r1 - r3;
        }
    }

    @Override public void winogradOut(float[] src, int sOff, int ss, float[] dst, int dOff, int n) {
        float[] t = tmp(8 * n);
        for (int b = 0; b < 4; b++)
            at4(src, sOff + b * ss, sOff + (4 + b) * ss, sOff + (8 + b) * ss, sOff + (12 + b) * ss, t, b * n, (4 + b) * n, n);
        for (int i = 0; i < 2; i++)
            at4(t, i * 4 * n, (i * 4 + 1) * n, (i * 4 + 2) * n, (i * 4 + 3) * n, dst, dOff + i * 2 * n, dOff + (i * 2 + 1) * n, n);
    }

    /** A^T applied to 4 rows: (m0 + m1 + m2, m1 - m2 - m3). */
    private static void at4(float[] s, int s0, int s1, int s2, int s3, float[] d, int d0, int d1, int n) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector m0 = FloatVector.fromArray(S, s, s0 + j), m1 = FloatVector.fromArray(S, s, s1 + j);
            FloatVector m2 = FloatVector.fromArray(S, s, s2 + j), m3 = FloatVector.fromArray(S, s, s3 + j);
            m0.add(m1).add(m2).intoArray(d, d0 + j);
            m1.sub(m2).sub(m3).intoArray(d, d1 + j);
        }
        for (; j < n; j++) {
            float m0 = s[s0 + j], m1 = s[s1 + j], m2 = s[s2 + j], m3 = s[s3 + j];
            d[d0 + j] = m0 + m1 + m2; d[d1 + j] = m1 - m2 - m3;
        }
    }

    @Override public void winogradInW(float[] src, int[] o, float[] dst, int dOff, int ds, int n) {
        float[] t = tmp(16 * n);
        for (int b = 0; b < 4; b++) bw4(src, o[b], o[4 + b], o[8 + b], o[12 + b], t, b * n, (4 + b) * n, (8 + b) * n, (12 + b) * n, n);
        for (int a = 0; a < 4; a++) {
            int d = dOff + a * 4 * ds;
            bw4(t, a * 4 * n, (a * 4 + 1) * n, (a * 4 + 2) * n, (a * 4 + 3) * n, dst, d, d + ds, d + 2 * ds, d + 3 * ds, n);
        }
    }

    /** B' applied to 4 rows: (r0 - r2, (r1 + r2) / 2, (r2 - r1) / 2, r3 - r1). */
    private static void bw4(float[] s, int s0, int s1, int s2, int s3, float[] d, int d0, int d1, int d2, int d3, int n) {
        for (int j = 0; j < n; j += L) {
            FloatVector r0 = FloatVector.fromArray(S, s, s0 + j), r1 = FloatVector.fromArray(S, s, s1 + j);
            FloatVector r2 = FloatVector.fromArray(S, s, s2 + j), r3 = FloatVector.fromArray(S, s, s3 + j);
            r0.sub(r2).intoArray(d, d0 + j);
            r1.add(r2).mul(0.5f).intoArray(d, d1 + j);
            r2.sub(r1).mul(0.5f).intoArray(d, d2 + j);
            r3.sub(r1).intoArray(d, d3 + j);
        }
    }

    @Override public void winogradGy(float[] src, int[] o, float[] dst, int dOff, int ds, int n) {
        float[] t = tmp(8 * n);
        for (int k = 0; k < 2; k++) g4(src, o[k], o[2 + k], t, k * n, (2 + k) * n, (4 + k) * n, (6 + k) * n, n);
        for (int a = 0; a < 4; a++) {
            int d = dOff + a * 4 * ds;
            g4(t, a * 2 * n, (a * 2 + 1) * n, dst, d, d + ds, d + 2 * ds, d + 3 * ds, n);
        }
    }

    /** G' applied to 2 rows: (g0, g0 + g1, g0 - g1, g1). */
    private static void g4(float[] s, int s0, int s1, float[] d, int d0, int d1, int d2, int d3, int n) {
        for (int j = 0; j < n; j += L) {
            FloatVector g0 = FloatVector.fromArray(S, s, s0 + j), g1 = FloatVector.fromArray(S, s, s1 + j);
            g0.intoArray(d, d0 + j);
            g0.add(g1).intoArray(d, d1 + j);
            g0.sub(g1).intoArray(d, d2 + j);
            g1.intoArray(d, d3 + j);
        }
    }
}
