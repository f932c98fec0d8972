package org.screener.cuda.ref;

/**
 * Double-precision reference of the {@code gaussian_nll} kernels. Arrays are (N, d, V) channel-major per voxel;
 * nll is (N, V): nll[n,v] = 0.5 Σ_c [(y−μ)² e^(−lv) + lv + log 2π].
 */
public final class GaussianNllRef {
    private GaussianNllRef() {}

    public static final double LOG_2PI = Math.log(2 * Math.PI);

    public static double[] forward(double[] y, double[] mu, double[] lv, int n, int d, int v) {
        Shapes.check("gaussian_nll", n, d, v, y, mu, lv);
        double[] nll = new double[n * v];
        for (int b = 0; b < n; b++)
            for (int s = 0; s < v; s++) {
                double acc = 0;
                for (int c = 0; c < d; c++) {
                    int k = (b * d + c) * v + s;
                    double r = y[k] - mu[k];
                    acc += r * r * Math.exp(-lv[k]) + lv[k] + LOG_2PI;
                }
                nll[b * v + s] = 0.5 * acc;
            }
        return nll;
    }

    /** Gradients {dy, dμ, dlv}, each (N, d, V), for dL/dnll = g (N, V). */
    public static double[][] backward(double[] y, double[] mu, double[] lv, double[] g, int n, int d, int v) {
        Shapes.check("gaussian_nll backward", n, d, v, y, mu, lv);
        Shapes.checkLen("gaussian_nll backward", "g", g, (long) n * v);
        double[] dy = new double[y.length], dmu = new double[y.length], dlv = new double[y.length];
        for (int b = 0; b < n; b++)
            for (int c = 0; c < d; c++)
                for (int s = 0; s < v; s++) {
                    int k = (b * d + c) * v + s;
                    double gv = g[b * v + s], r = y[k] - mu[k], e = Math.exp(-lv[k]);
                    dy[k] = gv * r * e;
                    dmu[k] = -dy[k];
                    dlv[k] = 0.5 * gv * (1 - r * r * e);
                }
        return new double[][]{dy, dmu, dlv};
    }
}
