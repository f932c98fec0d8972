package org.screener.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The blocked GEMM's register tile with the Vector API: 4 rows × 2 vectors of C held in registers, one FMA
 * per (row, vector) per k step; NR = 32 columns with 512-bit vectors. Loaded only when jdk.incubator.vector
 * is present (see {@link GemmCpu}).
 */
final class GemmVector implements GemmCpu.Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    static final int MR = 4, NR = 2 * L;

    @Override public int mr() { return MR; }
    @Override public int nr() { return NR; }
    // 4 × 2 measured at or above 6 × 2, 5 × 2, 8 × 2, 4 × 3 and 3 × 4 on the AVX-512 build machine (JDK 17
    // C2 keeps fewer accumulators in registers well). kc = 256 keeps the
    // kc × NR panel of B (32 KB at 512 bits) near L1 while the mc × kc block of A stays in L2.
    @Override public int kc() { return 256; }
    @Override public int mc() { return 32 * MR; }
    @Override public int nc() { return 16 * NR; }

    @Override public void tile(float[] ap, int aOff, float[] bp, int bOff, int kc, float alpha, float beta,
                               float[] c, int cOff, int ldc, int rows, int cols) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            int bi = bOff + p * NR, ai = aOff + p * MR;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi + 0 * L), b1 = FloatVector.fromArray(S, bp, bi + 1 * L);
            FloatVector a0 = FloatVector.broadcast(S, ap[ai + 0]);
            c00 = b0.fma(a0, c00);
            c01 = b1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = b0.fma(a1, c10);
            c11 = b1.fma(a1, c11);
            FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = b0.fma(a2, c20);
            c21 = b1.fma(a2, c21);
            FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = b0.fma(a3, c30);
            c31 = b1.fma(a3, c31);
        }
        if (rows == MR && cols == NR) {
            put(c00, alpha, beta, c, cOff + 0 * ldc + 0 * L);
            put(c01, alpha, beta, c, cOff + 0 * ldc + 1 * L);
            put(c10, alpha, beta, c, cOff + 1 * ldc + 0 * L);
            put(c11, alpha, beta, c, cOff + 1 * ldc + 1 * L);
            put(c20, alpha, beta, c, cOff + 2 * ldc + 0 * L);
            put(c21, alpha, beta, c, cOff + 2 * ldc + 1 * L);
            put(c30, alpha, beta, c, cOff + 3 * ldc + 0 * L);
            put(c31, alpha, beta, c, cOff + 3 * ldc + 1 * L);
            return;
        }
        float[] acc = new float[MR * NR];
        c00.intoArray(acc, 0 * NR + 0 * L);
        c01.intoArray(acc, 0 * NR + 1 * L);
        c10.intoArray(acc, 1 * NR + 0 * L);
        c11.intoArray(acc, 1 * NR + 1 * L);
        c20.intoArray(acc, 2 * NR + 0 * L);
        c21.intoArray(acc, 2 * NR + 1 * L);
        c30.intoArray(acc, 3 * NR + 0 * L);
        c31.intoArray(acc, 3 * NR + 1 * L);
        GemmCpu.store(acc, NR, alpha, beta, c, cOff, ldc, rows, cols);
    }

    private static void put(FloatVector v, float alpha, float beta, float[] c, int off) {
        if (alpha != 1f) v = v.mul(alpha);
        if (beta == 1f) v = v.add(FloatVector.fromArray(S, c, off));
        else if (beta != 0f) v = FloatVector.fromArray(S, c, off).mul(beta).add(v);
        v.intoArray(c, off);
    }
}
