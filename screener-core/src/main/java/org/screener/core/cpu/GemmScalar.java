package org.screener.core.cpu;

/** The blocked GEMM's register tile in plain Java: the fallback when the Vector API is absent. */
final class GemmScalar implements GemmCpu.Kernel {
    static final int MR = 4, NR = 8;

    @Override public int mr() { return MR; }
    @Override public int nr() { return NR; }
    @Override public int kc() { return 256; }
    @Override public int mc() { return 128; }
    @Override public int nc() { return 512; }

    @Override public void tile(float[] ap, int aOff, float[] bp, int bOff, int kc, float alpha, float beta,
                               float[] c, int cOff, int ldc, int rows, int cols) {
        float[] acc = new float[MR * NR];
        for (int p = 0; p < kc; p++) {
            int ai = aOff + p * MR, bi = bOff + p * NR;
            for (int r = 0; r < MR; r++) {
                float av = ap[ai + r];
                int o = r * NR;
                for (int j = 0; j < NR; j++) acc[o + j] += av * bp[bi + j];
            }
        }
        GemmCpu.store(acc, NR, alpha, beta, c, cOff, ldc, rows, cols);
    }
}
