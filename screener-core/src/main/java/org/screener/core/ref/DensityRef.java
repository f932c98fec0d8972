package org.screener.core.ref;

import org.screener.core.Storage;
import org.screener.core.ext.DensityExtension.GlowWeights;

/**
 * The definitions of {@link org.screener.core.ext.DensityExtension}'s kernels as obvious double-precision loops,
 * voxel by voxel; {@code DensityCpuTest} checks the CPU kernels against them. Weights are read from their
 * storages through their own backend.
 */
public final class DensityRef {
    private DensityRef() {}

    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    /** Glow's per-voxel NLL; y (n, d, v), c (n, dc, v) or null; returns (n, v). */
    public static double[] glowNll(GlowWeights w, double[] y, double[] c, int n, int v) {
        int d = w.d(), dc = w.dc(), half = d / 2, rest = d - half, hid = w.hidden();
        double[][] shift = read(w.shift()), logScale = read(w.logScale()), inv = read(w.invWeight()), lad = read(w.invLogAbsDet()),
                w1 = read(w.w1()), b1 = read(w.b1()), w2 = read(w.w2()), b2 = read(w.b2()), w3 = read(w.w3()), b3 = read(w.b3());
        double[][] cw = dc > 0 ? read(w.condWeight()) : null;
        double[] out = new double[n * v];
        for (int item = 0; item < n; item++)
            for (int p = 0; p < v; p++) {
                double[] x = new double[d], cv = new double[dc];
                for (int j = 0; j < d; j++) x[j] = y[(item * d + j) * v + p];
                for (int j = 0; j < dc; j++) cv[j] = c[(item * dc + j) * v + p];
                double logDet = 0;
                for (int k = 0; k < w.steps(); k++) {
                    // act-norm, its shift and log-scale moved by the condition's linear map
                    double[] pc = dc > 0 ? dense(cw[k], null, 2 * d, dc, cv, false) : new double[2 * d];
                    for (int j = 0; j < d; j++) {
                        double ls = logScale[k][j] + pc[d + j];
                        x[j] = (x[j] + shift[k][j] + pc[j]) * Math.exp(ls);
                        logDet += ls;
                    }
                    // invertible conv
                    x = dense(inv[k], null, d, d, x, false);
                    logDet += lad[k][0];
                    // affine coupling
                    double[] in = new double[half + dc];
                    System.arraycopy(x, 0, in, 0, half);
                    System.arraycopy(cv, 0, in, half, dc);
                    double[] h = dense(w3[k], b3[k], 2 * rest, hid,
                            dense(w2[k], b2[k], hid, hid, dense(w1[k], b1[k], hid, half + dc, in, true), true), false);
                    for (int j = 0; j < rest; j++) {
                        double raw = h[j] + 2, sig = 1 / (1 + Math.exp(-raw));
                        x[half + j] = (x[half + j] + h[rest + j]) * sig;
                        logDet += Math.log(sig);
                    }
                }
                double q = 0;
                for (double t : x) q += t * t;
                out[item * v + p] = 0.5 * q + d * HALF_LOG_2PI - logDet;
            }
        return out;
    }

    /** Diagonal-Gaussian NLL; mean and logVar (d) each, or (n, d, v) each when perVoxel; returns (n, v). */
    public static double[] gaussianNll(double[] y, double[] mean, double[] logVar, boolean perVoxel, int n, int d, int v) {
        double[] out = new double[n * v];
        for (int item = 0; item < n; item++)
            for (int p = 0; p < v; p++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    int at = (item * d + j) * v + p, pj = perVoxel ? at : j;
                    double t = y[at] - mean[pj];
                    s += t * t * Math.exp(-logVar[pj]) + logVar[pj];
                }
                out[item * v + p] = 0.5 * s + d * HALF_LOG_2PI;
            }
        return out;
    }

    /** act(W·x + b) for W (p, k) row-major; b may be null. */
    private static double[] dense(double[] w, double[] b, int p, int k, double[] x, boolean relu) {
        double[] o = new double[p];
        for (int i = 0; i < p; i++) {
            double s = b == null ? 0 : b[i];
            for (int j = 0; j < k; j++) s += w[i * k + j] * x[j];
            o[i] = relu ? Math.max(s, 0) : s;
        }
        return o;
    }

    private static double[][] read(Storage[] s) {
        double[][] a = new double[s.length][];
        for (int k = 0; k < s.length; k++) {
            a[k] = new double[Math.toIntExact(s[k].size())];
            s[k].backend().readDouble(s[k], 0, a[k], 0, a[k].length);
        }
        return a;
    }
}
