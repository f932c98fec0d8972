package org.screener.core.ref;

/**
 * Reference optimizer updates in double with double state: the definitions of SGD (PyTorch's, with momentum,
 * dampening, Nesterov and L2 weight decay) and Adam/AdamW (bias-corrected, L2 or decoupled decay).
 */
public final class OptimRef {
    private OptimRef() {}

    public static void sgd(double[] w, double[] g, double[] buf, int n, double lr, double momentum, double dampening,
                           double weightDecay, boolean nesterov, boolean first) {
        for (int i = 0; i < n; i++) {
            double d = g[i] + weightDecay * w[i];
            if (momentum != 0) {
                buf[i] = first ? d : momentum * buf[i] + (1 - dampening) * d;
                d = nesterov ? d + momentum * buf[i] : buf[i];
            }
            w[i] -= lr * d;
        }
    }

    public static void adam(double[] w, double[] g, double[] m, double[] v, int n, double lr, double beta1, double beta2,
                            double eps, double weightDecay, boolean decoupled, double bc1, double bc2) {
        for (int i = 0; i < n; i++) {
            double d = g[i];
            if (decoupled) w[i] -= lr * weightDecay * w[i];
            else d += weightDecay * w[i];
            m[i] = beta1 * m[i] + (1 - beta1) * d;
            v[i] = beta2 * v[i] + (1 - beta2) * d * d;
            w[i] -= lr * (m[i] / bc1) / (Math.sqrt(v[i] / bc2) + eps);
        }
    }

    public static double sumSquares(double[][] xs, long[] lengths) {
        double s = 0;
        for (int k = 0; k < xs.length; k++)
            for (int i = 0; i < lengths[k]; i++) s += xs[k][i] * xs[k][i];
        return s;
    }
}
