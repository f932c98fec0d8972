package org.screener.core.cpu;

import org.screener.core.BinaryOp;
import org.screener.core.UnaryOp;

/**
 * Elementwise kernels on float arrays. Unary ops dispatch once per chunk to a tight loop (the switch sits
 * outside the loop); broadcasting binary ops walk the output in contiguous inner runs after merging axes that
 * broadcast alike, so a channel-wise (N,C,D,H,W) op (1,C,1,1,1) becomes runs of D*H*W against one scalar.
 * The common ops use the Vector API ({@link ElementwiseVector}) when the incubator module is present.
 */
public final class ElementwiseCpu {
    private ElementwiseCpu() {}

    /** Elements per parallel chunk: below this, forking costs more than it saves. */
    static final int MIN_CHUNK = 1 << 15;

    static final boolean VECTOR = VectorCheck.PRESENT;

    /** Holder so the check and its one-time message run once, whichever kernel class loads first. */
    static final class VectorCheck {
        static final boolean PRESENT = check();

        private static boolean check() {
            boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
            if (present) {
                try {
                    Class.forName("org.screener.core.cpu.ElementwiseVector");
                } catch (Throwable t) {
                    present = false;
                }
            }
            if (!present)
                System.err.println("screener: jdk.incubator.vector not present (add --add-modules=jdk.incubator.vector);"
                        + " elementwise kernels run scalar");
            return present;
        }
    }

    // ---- unary -----------------------------------------------------------------------------------------

    public static void unary(UnaryOp op, float[] x, float[] y, int n, float p0, float p1) {
        Parallel.forRange(n, MIN_CHUNK, (lo, hi) -> {
            if (!(VECTOR && ElementwiseVector.unary(op, x, y, lo, hi, p0, p1))) unaryScalar(op, x, y, lo, hi, p0, p1);
        });
    }

    static void unaryScalar(UnaryOp op, float[] x, float[] y, int lo, int hi, float p0, float p1) {
        switch (op) {
            case NEG: for (int i = lo; i < hi; i++) y[i] = -x[i]; break;
            case EXP: for (int i = lo; i < hi; i++) y[i] = (float) Math.exp(x[i]); break;
            case LOG: for (int i = lo; i < hi; i++) y[i] = (float) Math.log(x[i]); break;
            case SQRT: for (int i = lo; i < hi; i++) y[i] = (float) Math.sqrt(x[i]); break;
            case ABS: for (int i = lo; i < hi; i++) y[i] = Math.abs(x[i]); break;
            case SQUARE: for (int i = lo; i < hi; i++) { float v = x[i]; y[i] = v * v; } break;
            case RECIPROCAL: for (int i = lo; i < hi; i++) y[i] = 1f / x[i]; break;
            case RELU: for (int i = lo; i < hi; i++) { float v = x[i]; y[i] = v > 0 ? v : 0f; } break;
            case LEAKY_RELU: for (int i = lo; i < hi; i++) { float v = x[i]; y[i] = v > 0 ? v : p0 * v; } break;
            case SILU: for (int i = lo; i < hi; i++) { double v = x[i]; y[i] = (float) (v / (1 + Math.exp(-v))); } break;
            case GELU: for (int i = lo; i < hi; i++) { double v = x[i]; y[i] = (float) (0.5 * v * erfc(-v * INV_SQRT2)); } break;
            case SIGMOID: for (int i = lo; i < hi; i++) y[i] = (float) (1 / (1 + Math.exp(-(double) x[i]))); break;
            case LOG_SIGMOID: for (int i = lo; i < hi; i++) y[i] = (float) -softplus(-(double) x[i]); break;
            case SOFTPLUS: for (int i = lo; i < hi; i++) y[i] = (float) softplus(x[i]); break;
            case TANH: for (int i = lo; i < hi; i++) y[i] = (float) Math.tanh(x[i]); break;
            case POW_SCALAR: unaryPow(x, y, lo, hi, p0); break;
            case CLAMP: for (int i = lo; i < hi; i++) y[i] = Math.min(Math.max(x[i], p0), p1); break;
            case ADD_SCALAR: for (int i = lo; i < hi; i++) y[i] = x[i] + p0; break;
            case MUL_SCALAR: for (int i = lo; i < hi; i++) y[i] = x[i] * p0; break;
            default: throw new UnsupportedOperationException("cpu unary: " + op);
        }
    }

    private static void unaryPow(float[] x, float[] y, int lo, int hi, float p) {
        if (p == 2f) { for (int i = lo; i < hi; i++) { float v = x[i]; y[i] = v * v; } return; }
        if (p == 1f) { System.arraycopy(x, lo, y, lo, hi - lo); return; }
        for (int i = lo; i < hi; i++) y[i] = (float) Math.pow(x[i], p);
    }

    public static void unaryBackward(UnaryOp op, float[] x, float[] y, float[] gy, float[] gx, int n, float p0, float p1) {
        Parallel.forRange(n, MIN_CHUNK, (lo, hi) -> {
            if (!(VECTOR && ElementwiseVector.unaryBackward(op, x, y, gy, gx, lo, hi, p0, p1)))
                unaryBackwardScalar(op, x, y, gy, gx, lo, hi, p0, p1);
        });
    }

    static void unaryBackwardScalar(UnaryOp op, float[] x, float[] y, float[] gy, float[] gx, int lo, int hi, float p0, float p1) {
        switch (op) {
            case NEG: for (int i = lo; i < hi; i++) gx[i] = -gy[i]; break;
            case EXP: for (int i = lo; i < hi; i++) gx[i] = gy[i] * y[i]; break;
            case LOG: for (int i = lo; i < hi; i++) gx[i] = gy[i] / x[i]; break;
            case SQRT: for (int i = lo; i < hi; i++) gx[i] = 0.5f * gy[i] / y[i]; break;
            case ABS: for (int i = lo; i < hi; i++) { float v = x[i]; gx[i] = v > 0 ? gy[i] : (v < 0 ? -gy[i] : 0f); } break;
            case SQUARE: for (int i = lo; i < hi; i++) gx[i] = 2f * x[i] * gy[i]; break;
            case RECIPROCAL: for (int i = lo; i < hi; i++) { float v = y[i]; gx[i] = -gy[i] * v * v; } break;
            case RELU: for (int i = lo; i < hi; i++) gx[i] = x[i] > 0 ? gy[i] : 0f; break;
            case LEAKY_RELU: for (int i = lo; i < hi; i++) gx[i] = x[i] > 0 ? gy[i] : p0 * gy[i]; break;
            case SILU:
                for (int i = lo; i < hi; i++) {
                    double v = x[i], s = 1 / (1 + Math.exp(-v));
                    gx[i] = (float) (gy[i] * s * (1 + v * (1 - s)));
                }
                break;
            case GELU:
                for (int i = lo; i < hi; i++) {
                    double v = x[i];
                    gx[i] = (float) (gy[i] * (0.5 * erfc(-v * INV_SQRT2) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI));
                }
                break;
            case SIGMOID: for (int i = lo; i < hi; i++) { float v = y[i]; gx[i] = gy[i] * v * (1f - v); } break;
            case LOG_SIGMOID: for (int i = lo; i < hi; i++) gx[i] = (float) (gy[i] / (1 + Math.exp(x[i]))); break;
            case SOFTPLUS: for (int i = lo; i < hi; i++) gx[i] = (float) (gy[i] / (1 + Math.exp(-(double) x[i]))); break;
            case TANH: for (int i = lo; i < hi; i++) { float v = y[i]; gx[i] = gy[i] * (1f - v * v); } break;
            case POW_SCALAR:
                if (p0 == 0f) java.util.Arrays.fill(gx, lo, hi, 0f);
                else if (p0 == 2f) for (int i = lo; i < hi; i++) gx[i] = 2f * x[i] * gy[i];
                else if (p0 == 1f) System.arraycopy(gy, lo, gx, lo, hi - lo);
                else for (int i = lo; i < hi; i++) gx[i] = (float) (gy[i] * p0 * Math.pow(x[i], p0 - 1.0));
                break;
            case CLAMP: for (int i = lo; i < hi; i++) { float v = x[i]; gx[i] = (v >= p0 && v <= p1) ? gy[i] : 0f; } break;
            case ADD_SCALAR: System.arraycopy(gy, lo, gx, lo, hi - lo); break;
            case MUL_SCALAR: for (int i = lo; i < hi; i++) gx[i] = gy[i] * p0; break;
            default: throw new UnsupportedOperationException("cpu unaryBackward: " + op);
        }
    }

    static final double INV_SQRT2 = 1 / Math.sqrt(2);
    static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    static double softplus(double x) { return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)); }

    /**
     * Complementary error function with relative error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev
     * fit), so GELU = 0.5 x erfc(-x / sqrt 2) is float-accurate even far in the negative tail.
     */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    // ---- binary with broadcasting ----------------------------------------------------------------------

    /**
     * out = a op b; as and bs have the rank of os (1-padded). out may alias a or b when that operand has the
     * output's shape: every output element reads only its own position of the aliased operand.
     */
    public static void binary(BinaryOp op, float[] a, int[] as, float[] b, int[] bs, float[] out, int[] os) {
        int rank = os.length;
        // merge axes: drop size-1 output axes, fuse neighbours along which both operands broadcast alike
        int[] dims = new int[rank];
        boolean[] aFull = new boolean[rank], bFull = new boolean[rank];
        int m = 0;
        long n = 1;
        for (int d = 0; d < rank; d++) {
            int s = os[d];
            n *= s;
            if (s == 1) continue;
            if (as[d] != 1 && as[d] != s || bs[d] != 1 && bs[d] != s)
                throw new IllegalArgumentException("cpu binary " + op + ": shapes " + java.util.Arrays.toString(as) + " and "
                        + java.util.Arrays.toString(bs) + " do not broadcast to " + java.util.Arrays.toString(os));
            boolean af = as[d] == s, bf = bs[d] == s;
            if (m > 0 && aFull[m - 1] == af && bFull[m - 1] == bf) {
                dims[m - 1] *= s;
            } else {
                dims[m] = s; aFull[m] = af; bFull[m] = bf; m++;
            }
        }
        if (n == 0) return;
        if (m == 0) {   // all scalars
            out[0] = applyScalar(op, a[0], b[0]);
            return;
        }
        // strides of the merged axes (0 where broadcast)
        long[] sa = new long[m], sb = new long[m];
        long ra = 1, rb = 1;
        for (int d = m - 1; d >= 0; d--) {
            sa[d] = aFull[d] ? ra : 0; if (aFull[d]) ra *= dims[d];
            sb[d] = bFull[d] ? rb : 0; if (bFull[d]) rb *= dims[d];
        }
        final int inner = dims[m - 1], mm = m;
        final int ia = aFull[m - 1] ? 1 : 0, ib = bFull[m - 1] ? 1 : 0;
        Parallel.forRange((int) n, MIN_CHUNK, (lo, hi) -> {
            // position of lo in the merged outer axes, then an odometer over rows
            int[] idx = new int[mm];
            long row = lo / inner;
            int col = (int) (lo - row * inner);
            long offA = 0, offB = 0;
            for (int d = mm - 2; d >= 0; d--) {
                long c = row % dims[d];
                row /= dims[d];
                idx[d] = (int) c;
                offA += c * sa[d];
                offB += c * sb[d];
            }
            int pos = lo;
            while (pos < hi) {
                int len = Math.min(inner - col, hi - pos);
                run(op, a, (int) offA + col * ia, ia, b, (int) offB + col * ib, ib, out, pos, len);
                pos += len;
                col = 0;
                for (int d = mm - 2; d >= 0; d--) {   // advance the odometer by one row
                    offA += sa[d]; offB += sb[d];
                    if (++idx[d] < dims[d]) break;
                    offA -= sa[d] * dims[d]; offB -= sb[d] * dims[d];
                    idx[d] = 0;
                }
            }
        });
    }

    /** One contiguous run of the output; ia/ib are 1 (operand advances) or 0 (operand is one scalar). */
    static void run(BinaryOp op, float[] a, int ao, int ia, float[] b, int bo, int ib, float[] out, int oo, int len) {
        if (ia == 1 && ib == 1) {
            if (!(VECTOR && ElementwiseVector.same(op, a, ao, b, bo, out, oo, len))) sameScalar(op, a, ao, b, bo, out, oo, len);
        } else if (ia == 1) {
            float s = b[bo];
            if (!(VECTOR && ElementwiseVector.withScalar(op, a, ao, s, out, oo, len))) withScalarB(op, a, ao, s, out, oo, len);
        } else {
            float s = a[ao];
            if (!(VECTOR && ElementwiseVector.scalarWith(op, s, b, bo, out, oo, len))) scalarWithA(op, s, b, bo, out, oo, len);
        }
    }

    static float applyScalar(BinaryOp op, float x, float y) {
        switch (op) {
            case ADD: return x + y;
            case SUB: return x - y;
            case MUL: return x * y;
            case DIV: return x / y;
            case POW: return (float) Math.pow(x, y);
            case MAX: return Math.max(x, y);
            case MIN: return Math.min(x, y);
            default: throw new UnsupportedOperationException("cpu binary: " + op);
        }
    }

    static void sameScalar(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] o, int oo, int len) {
        switch (op) {
            case ADD: for (int i = 0; i < len; i++) o[oo + i] = a[ao + i] + b[bo + i]; break;
            case SUB: for (int i = 0; i < len; i++) o[oo + i] = a[ao + i] - b[bo + i]; break;
            case MUL: for (int i = 0; i < len; i++) o[oo + i] = a[ao + i] * b[bo + i]; break;
            case DIV: for (int i = 0; i < len; i++) o[oo + i] = a[ao + i] / b[bo + i]; break;
            case POW: for (int i = 0; i < len; i++) o[oo + i] = (float) Math.pow(a[ao + i], b[bo + i]); break;
            case MAX: for (int i = 0; i < len; i++) o[oo + i] = Math.max(a[ao + i], b[bo + i]); break;
            case MIN: for (int i = 0; i < len; i++) o[oo + i] = Math.min(a[ao + i], b[bo + i]); break;
            default: throw new UnsupportedOperationException("cpu binary: " + op);
        }
    }

    static void withScalarB(BinaryOp op, float[] a, int ao, float s, float[] o, int oo, int len) {
        switch (op) {
            case ADD: for (int i = 0; i < len; i++) o[oo + i] = a[ao + i] + s; break;
            case SUB: for (int i = 0; i < len; i++) o[oo + i] = a[ao + i] - s; break;
            case MUL: for (int i = 0; i < len; i++) o[oo + i] = a[ao + i] * s; break;
            case DIV: for (int i = 0; i < len; i++) o[oo + i] = a[ao + i] / s; break;
            case POW: for (int i = 0; i < len; i++) o[oo + i] = (float) Math.pow(a[ao + i], s); break;
            case MAX: for (int i = 0; i < len; i++) o[oo + i] = Math.max(a[ao + i], s); break;
            case MIN: for (int i = 0; i < len; i++) o[oo + i] = Math.min(a[ao + i], s); break;
            default: throw new UnsupportedOperationException("cpu binary: " + op);
        }
    }

    static void scalarWithA(BinaryOp op, float s, float[] b, int bo, float[] o, int oo, int len) {
        switch (op) {
            case ADD: for (int i = 0; i < len; i++) o[oo + i] = s + b[bo + i]; break;
            case SUB: for (int i = 0; i < len; i++) o[oo + i] = s - b[bo + i]; break;
            case MUL: for (int i = 0; i < len; i++) o[oo + i] = s * b[bo + i]; break;
            case DIV: for (int i = 0; i < len; i++) o[oo + i] = s / b[bo + i]; break;
            case POW:
                if (Float.floatToRawIntBits(s) == 0) {
                    // pow(+0, y): the equality masks of max's backward use it on whole tensors
                    for (int i = 0; i < len; i++) { float e = b[bo + i]; o[oo + i] = e > 0 ? 0f : e == 0 ? 1f : e < 0 ? Float.POSITIVE_INFINITY : Float.NaN; }
                } else {
                    for (int i = 0; i < len; i++) o[oo + i] = (float) Math.pow(s, b[bo + i]);
                }
                break;
            case MAX: for (int i = 0; i < len; i++) o[oo + i] = Math.max(s, b[bo + i]); break;
            case MIN: for (int i = 0; i < len; i++) o[oo + i] = Math.min(s, b[bo + i]); break;
            default: throw new UnsupportedOperationException("cpu binary: " + op);
        }
    }
}
