package org.screener.core.cpu;

/**
 * The inner product of the conv kernels: C[m × nw] (+)= A[m × p] · B[p × nw] where row r of A starts at
 * a[ao + aoff[r]] and row q of B at b[bo + boff[q]] (both read contiguously along the row). Row offset tables
 * let B be rows of a padded input volume (no im2col copy) or A be the transposed patches of one.
 * nw must be a multiple of {@link #width()}; columns are independent, so padding columns may hold anything.
 */
interface ConvGemm {
    int width();

    void gemm(int m, int nw, int p, float[] a, int ao, int[] aoff, float[] b, int bo, int[] boff,
              float[] c, int co, int ldc, boolean accumulate);
}
