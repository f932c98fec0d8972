package org.screener.core.cpu;

/**
 * Optimizer updates and the sum of squares for the global gradient norm on float arrays. Each element is
 * computed in double with exactly the expressions, in exactly the order, that {@code Optimizer}'s host loops
 * used before these kernels existed, and rounded to float only where those loops stored a float, so training
 * runs are bit-identical to runs made before the move. Java evaluates double arithmetic strictly (no fused
 * multiply-add contraction), and the updates are independent per element, so the thread count cannot change
 * them. sumSquares adds in double over chunks whose boundaries do not depend on the thread count, and adds the
 * chunk partials in chunk order, so it is identical for any thread count.
 */
public final class OptimCpu {
    private OptimCpu() {}

    /** Elements per parallel chunk of the updates: below this, forking costs more than it saves. */
    static final int MIN_CHUNK = 1 << 15;

    /** Fixed chunk of sumSquares; part of its definition (changing it changes the last bits of the sum). */
    static final int SUM_CHUNK = 1 << 16;

    public static void sgd(float[] w, float[] g, float[] buf, int n, double lr, double momentum, double dampening,
                           double weightDecay, boolean nesterov, boolean first) {
        boolean hasBuf = momentum != 0;
        Parallel.forRange(n, MIN_CHUNK, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double gi = g[i] + weightDecay * w[i];
                if (hasBuf) {
                    double b = first ? gi : momentum * buf[i] + (1 - dampening) * gi;
                    buf[i] = (float) b;
                    gi = nesterov ? gi + momentum * b : b;
                }
                w[i] = (float) (w[i] - lr * gi);
            }
        });
    }

    public static void adam(float[] w, float[] g, float[] m, float[] v, int n, double lr, double beta1, double beta2,
                            double eps, double weightDecay, boolean decoupled, double bc1, double bc2) {
        Parallel.forRange(n, MIN_CHUNK, (lo, hi) -> {
            if (decoupled) adamDecoupled(w, g, m, v, lo, hi, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
            else adamL2(w, g, m, v, lo, hi, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
        });
    }

    // Two loops rather than a branch per element: each stays a straight line for C2.
    private static void adamDecoupled(float[] w, float[] g, float[] m, float[] v, int lo, int hi, double lr, double beta1,
                                      double beta2, double eps, double weightDecay, double bc1, double bc2) {
        for (int i = lo; i < hi; i++) {
            double wi = w[i], gi = g[i];
            wi -= lr * weightDecay * wi;
            double mi = beta1 * m[i] + (1 - beta1) * gi;
            double vi = beta2 * v[i] + (1 - beta2) * gi * gi;
            m[i] = (float) mi;
            v[i] = (float) vi;
            w[i] = (float) (wi - lr * (mi / bc1) / (Math.sqrt(vi / bc2) + eps));
        }
    }

    private static void adamL2(float[] w, float[] g, float[] m, float[] v, int lo, int hi, double lr, double beta1,
                               double beta2, double eps, double weightDecay, double bc1, double bc2) {
        for (int i = lo; i < hi; i++) {
            double wi = w[i], gi = g[i];
            gi += weightDecay * wi;
            double mi = beta1 * m[i] + (1 - beta1) * gi;
            double vi = beta2 * v[i] + (1 - beta2) * gi * gi;
            m[i] = (float) mi;
            v[i] = (float) vi;
            w[i] = (float) (wi - lr * (mi / bc1) / (Math.sqrt(vi / bc2) + eps));
        }
    }

    /** Σ_k Σ_{i < lengths[k]} xs[k][i]², each square exact in double (a float's 24-bit mantissa squared fits). */
    public static double sumSquares(float[][] xs, long[] lengths) {
        int chunks = 0;
        for (long n : lengths) chunks += Math.toIntExact((n + SUM_CHUNK - 1) / SUM_CHUNK);
        int[] owner = new int[chunks], start = new int[chunks];
        for (int k = 0, c = 0; k < xs.length; k++)
            for (long lo = 0; lo < lengths[k]; lo += SUM_CHUNK, c++) { owner[c] = k; start[c] = (int) lo; }
        double[] partial = new double[chunks];
        Parallel.forRange(chunks, 1, (clo, chi) -> {
            for (int c = clo; c < chi; c++) {
                float[] x = xs[owner[c]];
                int lo = start[c], hi = (int) Math.min(lengths[owner[c]], (long) lo + SUM_CHUNK);
                double s = 0;
                for (int i = lo; i < hi; i++) s += (double) x[i] * x[i];
                partial[c] = s;
            }
        });
        double total = 0;
        for (double p : partial) total += p;
        return total;
    }
}
