package org.screener.core.ref;

/** Triple-loop GEMM in double: the definition of {@code Backend.gemm}. */
public final class GemmRef {
    private GemmRef() {}

    public static void gemm(boolean ta, boolean tb, int m, int n, int k, double alpha,
                            double[] a, int ao, int lda, double[] b, int bo, int ldb,
                            double beta, double[] c, int co, int ldc) {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[ao + p * lda + i] : a[ao + i * lda + p];
                    double bv = tb ? b[bo + j * ldb + p] : b[bo + p * ldb + j];
                    s += av * bv;
                }
                int ci = co + i * ldc + j;
                c[ci] = alpha * s + (beta == 0 ? 0 : beta * c[ci]);
            }
    }
}
