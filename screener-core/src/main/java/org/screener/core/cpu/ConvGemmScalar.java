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

    @Override public void winogradIn(float[] src, int[] o, float[] dst, int dOff, int ds, int n) {
        float[] T = T16();
        for (int j = 0; j < n; j++) {
            for (int b = 0; b < 4; b++) {
                float r0 = src[o[b] + j], r1 = src[o[4 + b] + j], r2 = src[o[8 + b] + j], r3 = src[o[12 + b] + j];
                T[b] = r0 - r2; T[4 + b] = r1 + r2; T[8 + b] = r2 - r1; T[12 + b] = r1 - r3;
            }
            for (int a = 0; a < 4; a++) {
                float t0 = T[a * 4], t1 = T[a * 4 + 1], t2 = T[a * 4 + 2], t3 = T[a * 4 + 3];
                int d = dOff + a * 4 * ds + j;
                dst[d] = t0 - t2; dst[d + ds] = t1 + t2; dst[d + 2 * ds] = t2 - t1; dst[d + 3 * ds] = t1 - t3;
            }
        }
    }

    private final ThreadLocal<float[]> tmp = ThreadLocal.withInitial(() -> new float[16]);
    private float[] T16() { return tmp.get(); }

    @Override public void winogradOut(float[] src, int sOff, int ss, float[] dst, int dOff, int n) {
        for (int j = 0; j < n; j++) {
            float[] s = T16();
            for (int b = 0; b < 4; b++) {
                float m0 = src[sOff + b * ss + j], m1 = src[sOff + (4 + b) * ss + j];
                float m2 = src[sOff + (8 + b) * ss + j], m3 = src[sOff + (12 + b) * ss + j];
                s[b] = m0 + m1 + m2; s[4 + b] = m1 - m2 - m3;
            }
            for (int i = 0; i < 2; i++) {
                dst[dOff + (i * 2) * n + j] = s[i * 4] + s[i * 4 + 1] + s[i * 4 + 2];
                dst[dOff + (i * 2 + 1) * n + j] = s[i * 4 + 1] - s[i * 4 + 2] - s[i * 4 + 3];
            }
        }
    }

    @Override public void winogradInW(float[] src, int[] o, float[] dst, int dOff, int ds, int n) {
        float[] t = new float[16];
        for (int j = 0; j < n; j++) {
            for (int b = 0; b < 4; b++) {
                float r0 = src[o[b] + j], r1 = src[o[4 + b] + j], r2 = src[o[8 + b] + j], r3 = src[o[12 + b] + j];
                t[b] = r0 - r2; t[4 + b] = 0.5f * (r1 + r2); t[8 + b] = 0.5f * (r2 - r1); t[12 + b] = r3 - r1;
            }
            for (int a = 0; a < 4; a++) {
                float t0 = t[a * 4], t1 = t[a * 4 + 1], t2 = t[a * 4 + 2], t3 = t[a * 4 + 3];
                int d = dOff + a * 4 * ds + j;
                dst[d] = t0 - t2; dst[d + ds] = 0.5f * (t1 + t2); dst[d + 2 * ds] = 0.5f * (t2 - t1); dst[d + 3 * ds] = t3 - t1;
            }
        }
    }

    @Override public void winogradGy(float[] src, int[] o, float[] dst, int dOff, int ds, int n) {
        for (int j = 0; j < n; j++) {
            float g00 = src[o[0] + j], g01 = src[o[1] + j], g10 = src[o[2] + j], g11 = src[o[3] + j];
            float[] t = {g00, g01, g00 + g10, g01 + g11, g00 - g10, g01 - g11, g10, g11};
            for (int a = 0; a < 4; a++) {
                float u0 = t[a * 2], u1 = t[a * 2 + 1];
                int d = dOff + a * 4 * ds + j;
                dst[d] = u0; dst[d + ds] = u0 + u1; dst[d + 2 * ds] = u0 - u1; dst[d + 3 * ds] = u1;
            }
        }
    }
}
