package org.screener.cuda.ref;

/**
 * Double-precision reference of the {@code affine_coupling} kernels (Glow's affine coupling, per voxel).
 * y (N, d, V) splits into ya = channels [0, da) and yb = [da, d) with da = d/2, db = d − da; the net output
 * h (N, 2·db, V) holds logit = h[:, 0:db] and shift = h[:, db:2db] (the layout of screener-nn's Glow coupling). out = (ya, (yb + shift)·σ(logit + 2)),
 * logdet (N, V) = Σ_c log σ(logit_c + 2).
 */
public final class AffineCouplingRef {
    private AffineCouplingRef() {}

    /** {out (N, d, V), logdet (N, V)}. */
    public static double[][] forward(double[] y, double[] h, int n, int d, int v) {
        check(y, h, n, d, v);
        int da = d / 2, db = d - da;
        double[] out = new double[y.length], ld = new double[n * v];
        for (int b = 0; b < n; b++)
            for (int s = 0; s < v; s++) {
                for (int c = 0; c < da; c++) out[(b * d + c) * v + s] = y[(b * d + c) * v + s];
                double acc = 0;
                for (int c = 0; c < db; c++) {
                    int ky = (b * d + da + c) * v + s;
                    double t = h[(b * 2 * db + c) * v + s] + 2, shift = h[(b * 2 * db + db + c) * v + s];
                    out[ky] = (y[ky] + shift) * sigmoid(t);
                    acc += logSigmoid(t);
                }
                ld[b * v + s] = acc;
            }
        return new double[][]{out, ld};
    }

    /** {dy (N, d, V), dh (N, 2·db, V)} for gradients gout (N, d, V) of out and gld (N, V) of logdet. */
    public static double[][] backward(double[] y, double[] h, double[] gout, double[] gld, int n, int d, int v) {
        check(y, h, n, d, v);
        Shapes.checkLen("affine_coupling backward", "gout", gout, (long) n * d * v);
        Shapes.checkLen("affine_coupling backward", "gld", gld, (long) n * v);
        int da = d / 2, db = d - da;
        double[] dy = new double[y.length], dh = new double[h.length];
        for (int b = 0; b < n; b++)
            for (int s = 0; s < v; s++) {
                for (int c = 0; c < da; c++) dy[(b * d + c) * v + s] = gout[(b * d + c) * v + s];
                for (int c = 0; c < db; c++) {
                    int ky = (b * d + da + c) * v + s, kt = (b * 2 * db + c) * v + s, ks = (b * 2 * db + db + c) * v + s;
                    double sig = sigmoid(h[kt] + 2), go = gout[ky];
                    dy[ky] = go * sig;
                    dh[ks] = go * sig;
                    dh[kt] = (go * (y[ky] + h[ks]) * sig + gld[b * v + s]) * (1 - sig);
                }
            }
        return new double[][]{dy, dh};
    }

    static double sigmoid(double x) { return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)); }

    static double logSigmoid(double x) { return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x)); }

    private static void check(double[] y, double[] h, int n, int d, int v) {
        Shapes.check("affine_coupling", n, d, v, y);
        if (d < 2) throw new IllegalArgumentException("affine_coupling: needs d >= 2 channels, got " + d);
        Shapes.checkLen("affine_coupling", "h", h, (long) n * 2 * (d - d / 2) * v);
    }
}
