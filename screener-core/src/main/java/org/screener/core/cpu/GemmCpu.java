package org.screener.core.cpu;

/** Single-precision GEMM, row-major (see {@code Backend.gemm}). */
public final class GemmCpu {
    private GemmCpu() {}

    public static void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha,
                             float[] a, int ao, int lda, float[] b, int bo, int ldb,
                             float beta, float[] c, int co, int ldc) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                float s = 0;
                for (int p = 0; p < k; p++) {
                    float av = ta ? a[ao + p * lda + i] : a[ao + i * lda + p];
                    float bv = tb ? b[bo + j * ldb + p] : b[bo + p * ldb + j];
                    s += av * bv;
                }
                int ci = co + i * ldc + j;
                c[ci] = alpha * s + (beta == 0 ? 0 : beta * c[ci]);
            }
    }
}
