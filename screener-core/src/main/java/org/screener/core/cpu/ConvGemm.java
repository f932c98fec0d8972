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

    /**
     * Winograd F(2,3) input transform along two axes, elementwise over n columns: reads 16 rows
     * r[a][b] = src[sOff[a * 4 + b] + j] and writes B^T r B as 16 rows dst[dOff + (a' * 4 + b') * dStride + j].
     */
    void winogradIn(float[] src, int[] sOff, float[] dst, int dOff, int dStride, int n);

    /**
     * Winograd F(2,3) output transform along two axes: reads 16 rows m[a][b] = src[sOff + (a * 4 + b) * sStride + j],
     * writes A^T m A as 4 rows dst[dOff + (i * 2 + k) * n + j].
     */
    void winogradOut(float[] src, int sOff, int sStride, float[] dst, int dOff, int n);

    /**
     * Weight-gradient Winograd F(3,2) input transform along two axes (B' = [[1,0,-1,0],[0,.5,.5,0],[0,-.5,.5,0],
     * [0,-1,0,1]]), same row layout as {@link #winogradIn}.
     */
    void winogradInW(float[] src, int[] sOff, float[] dst, int dOff, int dStride, int n);

    /**
     * Weight-gradient transform of a 2×2 block of gy rows (g[i][k] = src[sOff[i * 2 + k] + j]) along two axes with
     * G' = [[1,0],[1,1],[1,-1],[0,1]]: 16 rows dst[dOff + (a * 4 + b) * dStride + j].
     */
    void winogradGy(float[] src, int[] sOff, float[] dst, int dOff, int dStride, int n);
}
