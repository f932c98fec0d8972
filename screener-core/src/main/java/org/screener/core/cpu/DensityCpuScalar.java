package org.screener.core.cpu;

/** {@link DensityCpu}'s block primitives as plain loops: the reference the vector kernel is tested against, and the fallback. */
final class DensityCpuScalar implements DensityCpu.Kernel {
    @Override public void dense(float[] w, float[] bias, int p, int k, float[] x, int xOff, float[] y, int b, boolean relu) {
        for (int i = 0; i < p; i++) {
            int yo = i * b;
            java.util.Arrays.fill(y, yo, yo + b, bias == null ? 0f : bias[i]);
            for (int kk = 0; kk < k; kk++) {
                float wi = w[i * k + kk];
                int xo = xOff + kk * b;
                for (int v = 0; v < b; v++) y[yo + v] += wi * x[xo + v];
            }
            if (relu) for (int v = 0; v < b; v++) y[yo + v] = Math.max(y[yo + v], 0f);
        }
    }

    @Override public void affine(float[] x, int d, float[] shift, float[] scale, int b) {
        for (int c = 0; c < d; c++)
            for (int v = 0; v < b; v++) x[c * b + v] = (x[c * b + v] + shift[c]) * scale[c];
    }

    @Override public void actNormCond(float[] x, int d, float[] shift, float[] logScale, float[] pc, float[] ld, int b) {
        for (int c = 0; c < d; c++)
            for (int v = 0; v < b; v++) {
                float ls = logScale[c] + pc[(d + c) * b + v];
                x[c * b + v] = (x[c * b + v] + shift[c] + pc[c * b + v]) * (float) Math.exp(ls);
                ld[v] += ls;
            }
    }

    @Override public void coupling(float[] x, int half, int rest, float[] h, float[] ld, float[] tmp, int b) {
        for (int c = 0; c < rest; c++)
            for (int v = 0; v < b; v++) {
                float raw = h[c * b + v] + 2f;
                // log sigmoid(r) = min(r, 0) − log1p(e^−|r|), stable for either sign
                float logSig = Math.min(raw, 0f) - (float) Math.log1p(Math.exp(-Math.abs(raw)));
                int i = (half + c) * b + v;
                x[i] = (x[i] + h[(rest + c) * b + v]) * (float) Math.exp(logSig);
                ld[v] += logSig;
            }
    }

    @Override public void finish(float[] x, int d, float[] ld, float constant, float[] nll, int off, int count, int b) {
        for (int v = 0; v < count; v++) {
            float q = 0;
            for (int c = 0; c < d; c++) q += x[c * b + v] * x[c * b + v];
            nll[off + v] = 0.5f * q + constant - ld[v];
        }
    }
}
