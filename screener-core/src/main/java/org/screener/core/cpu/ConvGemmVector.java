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

    @Override public int width() { return 2 * L; }

    @Override public void gemm(int m, int nw, int p, float[] a, int ao, int[] aoff, float[] b, int bo, int[] boff,
                               float[] c, int co, int ldc, boolean accumulate) {
        // blocks of the inner dimension keep the B panel and the A rows of a tile in L1 across row blocks
        for (int q0 = 0; q0 < p; q0 += KB) {
            int q1 = Math.min(p, q0 + KB);
            boolean acc = accumulate || q0 > 0;
            for (int j = 0; j < nw; j += 2 * L) {
                int i = 0;
                for (; i + 8 <= m; i += 8) k8(i, j, q0, q1, a, ao, aoff, b, bo, boff, c, co, ldc, acc);
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

    @Override public void winogradIn(float[] src, int[] o, float[] dst, int dOff, int ds, int n) {
        for (int j = 0; j < n; j += L) {
            FloatVector r00 = FloatVector.fromArray(S, src, o[0] + j);
            FloatVector r10 = FloatVector.fromArray(S, src, o[4] + j);
            FloatVector r20 = FloatVector.fromArray(S, src, o[8] + j);
            FloatVector r30 = FloatVector.fromArray(S, src, o[12] + j);
            FloatVector t00 = r00.sub(r20), t10 = r10.add(r20), t20 = r20.sub(r10), t30 = r10.sub(r30);
            FloatVector r01 = FloatVector.fromArray(S, src, o[1] + j);
            FloatVector r11 = FloatVector.fromArray(S, src, o[5] + j);
            FloatVector r21 = FloatVector.fromArray(S, src, o[9] + j);
            FloatVector r31 = FloatVector.fromArray(S, src, o[13] + j);
            FloatVector t01 = r01.sub(r21), t11 = r11.add(r21), t21 = r21.sub(r11), t31 = r11.sub(r31);
            FloatVector r02 = FloatVector.fromArray(S, src, o[2] + j);
            FloatVector r12 = FloatVector.fromArray(S, src, o[6] + j);
            FloatVector r22 = FloatVector.fromArray(S, src, o[10] + j);
            FloatVector r32 = FloatVector.fromArray(S, src, o[14] + j);
            FloatVector t02 = r02.sub(r22), t12 = r12.add(r22), t22 = r22.sub(r12), t32 = r12.sub(r32);
            FloatVector r03 = FloatVector.fromArray(S, src, o[3] + j);
            FloatVector r13 = FloatVector.fromArray(S, src, o[7] + j);
            FloatVector r23 = FloatVector.fromArray(S, src, o[11] + j);
            FloatVector r33 = FloatVector.fromArray(S, src, o[15] + j);
            FloatVector t03 = r03.sub(r23), t13 = r13.add(r23), t23 = r23.sub(r13), t33 = r13.sub(r33);
            int d0 = dOff + 0 * ds + j;
            t00.sub(t02).intoArray(dst, d0); t01.add(t02).intoArray(dst, d0 + ds);
            t02.sub(t01).intoArray(dst, d0 + 2 * ds); t01.sub(t03).intoArray(dst, d0 + 3 * ds);
            int d1 = dOff + 4 * ds + j;
            t10.sub(t12).intoArray(dst, d1); t11.add(t12).intoArray(dst, d1 + ds);
            t12.sub(t11).intoArray(dst, d1 + 2 * ds); t11.sub(t13).intoArray(dst, d1 + 3 * ds);
            int d2 = dOff + 8 * ds + j;
            t20.sub(t22).intoArray(dst, d2); t21.add(t22).intoArray(dst, d2 + ds);
            t22.sub(t21).intoArray(dst, d2 + 2 * ds); t21.sub(t23).intoArray(dst, d2 + 3 * ds);
            int d3 = dOff + 12 * ds + j;
            t30.sub(t32).intoArray(dst, d3); t31.add(t32).intoArray(dst, d3 + ds);
            t32.sub(t31).intoArray(dst, d3 + 2 * ds); t31.sub(t33).intoArray(dst, d3 + 3 * ds);
        }
    }

    @Override public void winogradOut(float[] src, int sOff, int ss, float[] dst, int dOff, int n) {
        for (int j = 0; j < n; j += L) {
            FloatVector m00 = FloatVector.fromArray(S, src, sOff + 0 * ss + j);
            FloatVector m10 = FloatVector.fromArray(S, src, sOff + 4 * ss + j);
            FloatVector m20 = FloatVector.fromArray(S, src, sOff + 8 * ss + j);
            FloatVector m30 = FloatVector.fromArray(S, src, sOff + 12 * ss + j);
            FloatVector s00 = m00.add(m10).add(m20), s10 = m10.sub(m20).sub(m30);
            FloatVector m01 = FloatVector.fromArray(S, src, sOff + 1 * ss + j);
            FloatVector m11 = FloatVector.fromArray(S, src, sOff + 5 * ss + j);
            FloatVector m21 = FloatVector.fromArray(S, src, sOff + 9 * ss + j);
            FloatVector m31 = FloatVector.fromArray(S, src, sOff + 13 * ss + j);
            FloatVector s01 = m01.add(m11).add(m21), s11 = m11.sub(m21).sub(m31);
            FloatVector m02 = FloatVector.fromArray(S, src, sOff + 2 * ss + j);
            FloatVector m12 = FloatVector.fromArray(S, src, sOff + 6 * ss + j);
            FloatVector m22 = FloatVector.fromArray(S, src, sOff + 10 * ss + j);
            FloatVector m32 = FloatVector.fromArray(S, src, sOff + 14 * ss + j);
            FloatVector s02 = m02.add(m12).add(m22), s12 = m12.sub(m22).sub(m32);
            FloatVector m03 = FloatVector.fromArray(S, src, sOff + 3 * ss + j);
            FloatVector m13 = FloatVector.fromArray(S, src, sOff + 7 * ss + j);
            FloatVector m23 = FloatVector.fromArray(S, src, sOff + 11 * ss + j);
            FloatVector m33 = FloatVector.fromArray(S, src, sOff + 15 * ss + j);
            FloatVector s03 = m03.add(m13).add(m23), s13 = m13.sub(m23).sub(m33);
            s00.add(s01).add(s02).intoArray(dst, dOff + 0 * n + j);
            s01.sub(s02).sub(s03).intoArray(dst, dOff + 1 * n + j);
            s10.add(s11).add(s12).intoArray(dst, dOff + 2 * n + j);
            s11.sub(s12).sub(s13).intoArray(dst, dOff + 3 * n + j);
        }
    }
}
