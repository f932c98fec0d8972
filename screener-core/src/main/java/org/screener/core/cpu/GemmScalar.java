package org.screener.core.cpu;

/**
 * The blocked GEMM's register tile in plain Java (4 × 4 accumulators in locals, which C2 keeps in
 * registers): the fallback when the Vector API is absent.
 */
final class GemmScalar implements GemmCpu.Kernel {
    static final int MR = 4, NR = 4;

    @Override public int mr() { return MR; }
    @Override public int nr() { return NR; }
    @Override public int kc() { return 256; }
    @Override public int mc() { return 128; }
    @Override public int nc() { return 512; }

    @Override public void tile(float[] ap, int aOff, float[] bp, int bOff, int kc, float alpha, float beta,
                               float[] c, int cOff, int ldc, int rows, int cols) {
        float c0_0 = 0f, c0_1 = 0f, c0_2 = 0f, c0_3 = 0f;
        float c1_0 = 0f, c1_1 = 0f, c1_2 = 0f, c1_3 = 0f;
        float c2_0 = 0f, c2_1 = 0f, c2_2 = 0f, c2_3 = 0f;
        float c3_0 = 0f, c3_1 = 0f, c3_2 = 0f, c3_3 = 0f;
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * MR, bi = bOff + p * NR;
            float b0 = bp[bi + 0], b1 = bp[bi + 1], b2 = bp[bi + 2], b3 = bp[bi + 3];
            float a0 = ap[ai + 0];
            c0_0 += a0 * b0; c0_1 += a0 * b1; c0_2 += a0 * b2; c0_3 += a0 * b3;
            float a1 = ap[ai + 1];
            c1_0 += a1 * b0; c1_1 += a1 * b1; c1_2 += a1 * b2; c1_3 += a1 * b3;
            float a2 = ap[ai + 2];
            c2_0 += a2 * b0; c2_1 += a2 * b1; c2_2 += a2 * b2; c2_3 += a2 * b3;
            float a3 = ap[ai + 3];
            c3_0 += a3 * b0; c3_1 += a3 * b1; c3_2 += a3 * b2; c3_3 += a3 * b3;
        }
        float[] acc = new float[MR * NR];
        acc[0] = c0_0; acc[1] = c0_1; acc[2] = c0_2; acc[3] = c0_3;
        acc[4] = c1_0; acc[5] = c1_1; acc[6] = c1_2; acc[7] = c1_3;
        acc[8] = c2_0; acc[9] = c2_1; acc[10] = c2_2; acc[11] = c2_3;
        acc[12] = c3_0; acc[13] = c3_1; acc[14] = c3_2; acc[15] = c3_3;
        GemmCpu.store(acc, NR, alpha, beta, c, cOff, ldc, rows, cols);
    }
}
