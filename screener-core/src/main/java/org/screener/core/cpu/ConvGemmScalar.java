package org.screener.core.cpu;

/** Plain-Java {@link ConvGemm}, used when the Vector API module is absent. */
final class ConvGemmScalar implements ConvGemm {
    @Override public int width() { return 8; }

    @Override public void gemm(int m, int nw, int p, float[] a, int ao, int[] aoff, float[] b, int bo, int[] boff,
                               float[] c, int co, int ldc, boolean accumulate) {
        float[] acc = new float[nw];
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(acc, 0f);
            int ar = ao + aoff[i];
            for (int q = 0; q < p; q++) {
                float av = a[ar + q];
                int br = bo + boff[q];
                for (int j = 0; j < nw; j++) acc[j] += av * b[br + j];
            }
            int cr = co + i * ldc;
            if (accumulate) for (int j = 0; j < nw; j++) c[cr + j] += acc[j];
            else System.arraycopy(acc, 0, c, cr, nw);
        }
    }
}
