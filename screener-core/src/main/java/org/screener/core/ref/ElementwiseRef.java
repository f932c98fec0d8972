package org.screener.core.ref;

import org.screener.core.BinaryOp;
import org.screener.core.Shape;
import org.screener.core.UnaryOp;

/** Plain double-precision elementwise kernels: the definition the fast kernels are tested against. */
public final class ElementwiseRef {
    private ElementwiseRef() {}

    static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    public static double apply(UnaryOp op, double x, double p0, double p1) {
        switch (op) {
            case NEG: return -x;
            case EXP: return Math.exp(x);
            case LOG: return Math.log(x);
            case SQRT: return Math.sqrt(x);
            case ABS: return Math.abs(x);
            case SQUARE: return x * x;
            case RECIPROCAL: return 1.0 / x;
            case RELU: return x > 0 ? x : 0;
            case LEAKY_RELU: return x > 0 ? x : p0 * x;
            case SILU: return x / (1 + Math.exp(-x));
            case GELU: return 0.5 * x * erfc(-x / Math.sqrt(2));   // erfc: no cancellation in the negative tail
            case SIGMOID: return 1 / (1 + Math.exp(-x));
            case LOG_SIGMOID: return -softplus(-x);
            case SOFTPLUS: return softplus(x);
            case TANH: return Math.tanh(x);
            case POW_SCALAR: return Math.pow(x, p0);
            case CLAMP: return Math.min(Math.max(x, p0), p1);
            case ADD_SCALAR: return x + p0;
            case MUL_SCALAR: return x * p0;
            default: throw new UnsupportedOperationException(op.name());
        }
    }

    /** d op(x) / dx, given x and y = op(x). */
    public static double derivative(UnaryOp op, double x, double y, double p0, double p1) {
        switch (op) {
            case NEG: return -1;
            case EXP: return y;
            case LOG: return 1 / x;
            case SQRT: return 0.5 / y;
            case ABS: return x > 0 ? 1 : (x < 0 ? -1 : 0);
            case SQUARE: return 2 * x;
            case RECIPROCAL: return -y * y;
            case RELU: return x > 0 ? 1 : 0;
            case LEAKY_RELU: return x > 0 ? 1 : p0;
            case SILU: { double s = 1 / (1 + Math.exp(-x)); return s * (1 + x * (1 - s)); }
            case GELU: return 0.5 * erfc(-x / Math.sqrt(2)) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
            case SIGMOID: return y * (1 - y);
            case LOG_SIGMOID: return 1 / (1 + Math.exp(x));
            case SOFTPLUS: return 1 / (1 + Math.exp(-x));
            case TANH: return 1 - y * y;
            case POW_SCALAR: return p0 == 0 ? 0 : p0 * Math.pow(x, p0 - 1);
            case CLAMP: return (x >= p0 && x <= p1) ? 1 : 0;
            case ADD_SCALAR: return 1;
            case MUL_SCALAR: return p0;
            default: throw new UnsupportedOperationException(op.name());
        }
    }

    static double softplus(double x) { return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)); }

    /** erf to ~1e-15 (Abramowitz-Stegun is too coarse for gradcheck in double): series / continued fraction. */
    public static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 2.5) {
            // Maclaurin series
            double term = ax, sum = ax, x2 = ax * ax;
            for (int n = 1; n < 200; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc continued fraction (Lentz)
            double tiny = 1e-300, f = ax, c = ax, d = 0;
            for (int n = 1; n < 300; n++) {
                double an = n / 2.0;
                d = ax + an * d; d = d == 0 ? tiny : d; d = 1 / d;
                c = ax + an / c; c = c == 0 ? tiny : c;
                double delta = c * d; f *= delta;
                if (Math.abs(delta - 1) < 1e-16) break;
            }
            r = 1 - Math.exp(-ax * ax) / (f * Math.sqrt(Math.PI));
        }
        return x < 0 ? -r : r;
    }

    /** erfc to ~1e-15 relative, also for large x where 1 - erf(x) would cancel to nothing. */
    public static double erfc(double x) {
        if (x < 2.5) return 1 - erf(x);
        double tiny = 1e-300, f = x, c = x, d = 0;
        for (int n = 1; n < 300; n++) {
            double an = n / 2.0;
            d = x + an * d; d = d == 0 ? tiny : d; d = 1 / d;
            c = x + an / c; c = c == 0 ? tiny : c;
            double delta = c * d; f *= delta;
            if (Math.abs(delta - 1) < 1e-16) break;
        }
        return Math.exp(-x * x) / (f * Math.sqrt(Math.PI));
    }

    public static double apply(BinaryOp op, double a, double b) {
        switch (op) {
            case ADD: return a + b;
            case SUB: return a - b;
            case MUL: return a * b;
            case DIV: return a / b;
            case POW: return Math.pow(a, b);
            case MAX: return Math.max(a, b);
            case MIN: return Math.min(a, b);
            default: throw new UnsupportedOperationException(op.name());
        }
    }

    public static void unary(UnaryOp op, double[] x, double[] y, int n, double p0, double p1) {
        for (int i = 0; i < n; i++) y[i] = apply(op, x[i], p0, p1);
    }

    public static void unaryBackward(UnaryOp op, double[] x, double[] y, double[] gy, double[] gx, int n, double p0, double p1) {
        for (int i = 0; i < n; i++) gx[i] = gy[i] * derivative(op, x[i], y[i], p0, p1);
    }

    /** Broadcasting by index arithmetic, one output element at a time. */
    public static void binary(BinaryOp op, double[] a, int[] as, double[] b, int[] bs, double[] out, int[] os) {
        int rank = os.length;
        long[] ast = Shape.strides(as), bst = Shape.strides(bs), ost = Shape.strides(os);
        long n = Shape.numel(os);
        double[] res = new double[(int) n];
        for (long i = 0; i < n; i++) {
            long ia = 0, ib = 0, rem = i;
            for (int d = 0; d < rank; d++) {
                long c = rem / ost[d];
                rem -= c * ost[d];
                if (as[d] != 1) ia += c * ast[d];
                if (bs[d] != 1) ib += c * bst[d];
            }
            res[(int) i] = apply(op, a[(int) ia], b[(int) ib]);
        }
        System.arraycopy(res, 0, out, 0, res.length);  // out may alias a or b
    }

    /** Sum (or max) over axes where outShape is 1: each input element lands in its reduced slot. */
    public static void reduce(boolean max, double[] x, int[] xs, double[] out, int[] os) {
        int rank = xs.length;
        long[] xst = Shape.strides(xs), ost = Shape.strides(os);
        int on = (int) Shape.numel(os);
        double[] res = new double[on];
        java.util.Arrays.fill(res, max ? Double.NEGATIVE_INFINITY : 0);
        long n = Shape.numel(xs);
        for (long i = 0; i < n; i++) {
            long io = 0, rem = i;
            for (int d = 0; d < rank; d++) {
                long c = rem / xst[d];
                rem -= c * xst[d];
                if (os[d] != 1) io += c * ost[d];
            }
            double v = x[(int) i];
            res[(int) io] = max ? Math.max(res[(int) io], v) : res[(int) io] + v;
        }
        System.arraycopy(res, 0, out, 0, on);
    }

    /**
     * The backward of a max reduction: mask[i] = 1 at the first position, in row-major order of x, where x
     * equals its slot's max (NaN counting as equal to a NaN max), 0 elsewhere. Row-major order of x visits
     * each slot's window in row-major order of the reduced axes, so "first" is the same as in reduceMax's doc.
     */
    public static void firstMaxMask(double[] x, int[] xs, double[] max, int[] ms, double[] mask) {
        checkKeepDims("firstMaxMask", xs, ms);
        int rank = xs.length;
        long[] xst = Shape.strides(xs), mst = Shape.strides(ms);
        long n = Shape.numel(xs);
        boolean[] taken = new boolean[(int) Shape.numel(ms)];
        for (long i = 0; i < n; i++) {
            long io = 0, rem = i;
            for (int d = 0; d < rank; d++) {
                long c = rem / xst[d];
                rem -= c * xst[d];
                if (ms[d] != 1) io += c * mst[d];
            }
            double v = x[(int) i], m = max[(int) io];
            boolean hit = !taken[(int) io] && (v == m || Double.isNaN(v) && Double.isNaN(m));
            if (hit) taken[(int) io] = true;
            mask[(int) i] = hit ? 1 : 0;
        }
    }

    static void checkKeepDims(String op, int[] xs, int[] os) {
        boolean ok = xs.length == os.length;
        for (int d = 0; ok && d < xs.length; d++) ok = os[d] == xs[d] || os[d] == 1;
        if (!ok) throw new IllegalArgumentException(op + ": shape " + java.util.Arrays.toString(os)
                + " is not a keep-dims reduction of " + java.util.Arrays.toString(xs));
    }
}
