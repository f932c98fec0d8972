package org.screener.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.screener.core.BinaryOp;
import org.screener.core.UnaryOp;

/**
 * Vector API versions of the cheap elementwise ops. Loaded only after {@link ElementwiseCpu.VectorCheck} found
 * the incubator module. Each method returns false for ops it does not cover (the caller then runs scalar).
 * exp, log, log1p and tanh are {@link VectorMath}'s (within 2 ulp, and the same bits whether the JIT has compiled
 * the loop or not, which the Vector API's own SVML-backed operators are not); GELU stays scalar in double, since
 * its erfc tail needs more than float arithmetic gives.
 */
final class ElementwiseVector {
    private ElementwiseVector() {}

    /**
     * The preferred species, the same as the GEMM and conv kernels. Mixing species in one JVM is a trap: once
     * C2 has seen FloatVector code at two shapes, the GEMM kernel compiled afterwards ran 15-30x slower
     * (512x512 by 512x4096: 270 ms instead of 14 ms when a 256-bit relu ran first).
     */
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final FloatVector ONE = FloatVector.broadcast(S, 1f);

    /**
     * softplus (plus) or log-sigmoid (minus) over [lo, end), a multiple of L long: e^(−|x|) and its log1p in two
     * passes over a block, because one loop with both polynomials exceeded C2's inlining node budget and boxed its
     * vectors (4.2 ns an element instead of 0.5 + 0.9). The block buffer also makes x == y safe.
     */
    private static void softplusLike(boolean plus, float[] x, float[] y, int lo, int end) {
        float[] e = new float[Math.min(1024, Math.max(L, end - lo))];
        for (int b0 = lo; b0 < end; b0 += e.length) {
            int n = Math.min(e.length, end - b0);
            for (int j = 0; j < n; j += L) VectorMath.exp(FloatVector.fromArray(S, x, b0 + j).abs().neg()).intoArray(e, j);
            for (int j = 0; j < n; j += L) {
                FloatVector v = FloatVector.fromArray(S, x, b0 + j), l = VectorMath.log1p(FloatVector.fromArray(S, e, j));
                (plus ? v.max(0f).add(l) : v.min(0f).sub(l)).intoArray(y, b0 + j);
            }
        }
    }

    static boolean unary(UnaryOp op, float[] x, float[] y, int lo, int hi, float p0, float p1) {
        int i = lo, end = lo + S.loopBound(hi - lo);
        switch (op) {
            case NEG: for (; i < end; i += L) FloatVector.fromArray(S, x, i).neg().intoArray(y, i); break;
            case ABS: for (; i < end; i += L) FloatVector.fromArray(S, x, i).abs().intoArray(y, i); break;
            case SQUARE: for (; i < end; i += L) { FloatVector v = FloatVector.fromArray(S, x, i); v.mul(v).intoArray(y, i); } break;
            case SQRT: for (; i < end; i += L) FloatVector.fromArray(S, x, i).sqrt().intoArray(y, i); break;
            case RECIPROCAL: {
                FloatVector one = FloatVector.broadcast(S, 1f);
                for (; i < end; i += L) one.div(FloatVector.fromArray(S, x, i)).intoArray(y, i);
                break;
            }
            case RELU: {
                FloatVector zero = FloatVector.zero(S);
                for (; i < end; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, i);
                }
                break;
            }
            case LEAKY_RELU:
                for (; i < end; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    v.mul(p0).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, i);
                }
                break;
            case CLAMP:
                for (; i < end; i += L) FloatVector.fromArray(S, x, i).max(p0).min(p1).intoArray(y, i);
                break;
            case ADD_SCALAR: for (; i < end; i += L) FloatVector.fromArray(S, x, i).add(p0).intoArray(y, i); break;
            case MUL_SCALAR: for (; i < end; i += L) FloatVector.fromArray(S, x, i).mul(p0).intoArray(y, i); break;
            case EXP: for (; i < end; i += L) VectorMath.exp(FloatVector.fromArray(S, x, i)).intoArray(y, i); break;
            case LOG: for (; i < end; i += L) VectorMath.log(FloatVector.fromArray(S, x, i)).intoArray(y, i); break;
            case TANH: for (; i < end; i += L) VectorMath.tanh(FloatVector.fromArray(S, x, i)).intoArray(y, i); break;
            case SIGMOID:
                for (; i < end; i += L)
                    ONE.div(VectorMath.exp(FloatVector.fromArray(S, x, i).neg()).add(1f)).intoArray(y, i);
                break;
            case SILU:
                for (; i < end; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    v.div(VectorMath.exp(v.neg()).add(1f)).intoArray(y, i);
                }
                break;
            case SOFTPLUS:      // max(x, 0) + log1p(exp(-|x|))
            case LOG_SIGMOID:   // min(x, 0) - log1p(exp(-|x|))
                softplusLike(op == UnaryOp.SOFTPLUS, x, y, i, end);
                i = end;
                break;
            default: return false;
        }
        if (i < hi) ElementwiseCpu.unaryScalar(op, x, y, i, hi, p0, p1);
        return true;
    }

    static boolean unaryBackward(UnaryOp op, float[] x, float[] y, float[] gy, float[] gx, int lo, int hi, float p0, float p1) {
        int i = lo, end = lo + S.loopBound(hi - lo);
        switch (op) {
            case NEG: for (; i < end; i += L) FloatVector.fromArray(S, gy, i).neg().intoArray(gx, i); break;
            case SQUARE:
                for (; i < end; i += L)
                    FloatVector.fromArray(S, x, i).mul(2f).mul(FloatVector.fromArray(S, gy, i)).intoArray(gx, i);
                break;
            case RELU: {
                FloatVector zero = FloatVector.zero(S);
                for (; i < end; i += L) {
                    VectorMask<Float> pos = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
                    zero.blend(FloatVector.fromArray(S, gy, i), pos).intoArray(gx, i);
                }
                break;
            }
            case LEAKY_RELU:
                for (; i < end; i += L) {
                    VectorMask<Float> pos = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
                    FloatVector g = FloatVector.fromArray(S, gy, i);
                    g.mul(p0).blend(g, pos).intoArray(gx, i);
                }
                break;
            case SIGMOID:
                for (; i < end; i += L) {
                    FloatVector v = FloatVector.fromArray(S, y, i);
                    FloatVector.fromArray(S, gy, i).mul(v).mul(v.neg().add(1f)).intoArray(gx, i);
                }
                break;
            case TANH:
                for (; i < end; i += L) {
                    FloatVector v = FloatVector.fromArray(S, y, i);
                    FloatVector.fromArray(S, gy, i).mul(v.mul(v).neg().add(1f)).intoArray(gx, i);
                }
                break;
            case MUL_SCALAR: for (; i < end; i += L) FloatVector.fromArray(S, gy, i).mul(p0).intoArray(gx, i); break;
            case EXP: for (; i < end; i += L) FloatVector.fromArray(S, gy, i).mul(FloatVector.fromArray(S, y, i)).intoArray(gx, i); break;
            case LOG: for (; i < end; i += L) FloatVector.fromArray(S, gy, i).div(FloatVector.fromArray(S, x, i)).intoArray(gx, i); break;
            case SILU:          // s (1 + x (1 - s)), s = sigmoid(x)
                for (; i < end; i += L) {
                    FloatVector v = FloatVector.fromArray(S, x, i);
                    FloatVector sg = ONE.div(VectorMath.exp(v.neg()).add(1f));
                    FloatVector d = sg.mul(v.mul(sg.neg().add(1f)).add(1f));
                    FloatVector.fromArray(S, gy, i).mul(d).intoArray(gx, i);
                }
                break;
            case SOFTPLUS:      // sigmoid(x)
                for (; i < end; i += L)
                    FloatVector.fromArray(S, gy, i).div(VectorMath.exp(FloatVector.fromArray(S, x, i).neg()).add(1f))
                            .intoArray(gx, i);
                break;
            case LOG_SIGMOID:   // sigmoid(-x)
                for (; i < end; i += L)
                    FloatVector.fromArray(S, gy, i).div(VectorMath.exp(FloatVector.fromArray(S, x, i)).add(1f))
                            .intoArray(gx, i);
                break;
            default: return false;
        }
        if (i < hi) ElementwiseCpu.unaryBackwardScalar(op, x, y, gy, gx, i, hi, p0, p1);
        return true;
    }

    // The operator token must be a JIT constant for lanewise() to become one instruction, so each op gets
    // its own loop (a switch outside the loop, as in the scalar code).

    /** o[oo..] = a[ao..] op b[bo..]. */
    static boolean same(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] o, int oo, int len) {
        if (op == BinaryOp.POW || len < L) return false;
        int i = 0, end = S.loopBound(len);
        switch (op) {
            case ADD: for (; i < end; i += L) FloatVector.fromArray(S, a, ao + i).add(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i); break;
            case SUB: for (; i < end; i += L) FloatVector.fromArray(S, a, ao + i).sub(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i); break;
            case MUL: for (; i < end; i += L) FloatVector.fromArray(S, a, ao + i).mul(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i); break;
            case DIV: for (; i < end; i += L) FloatVector.fromArray(S, a, ao + i).div(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i); break;
            case MAX: for (; i < end; i += L) FloatVector.fromArray(S, a, ao + i).max(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i); break;
            case MIN: for (; i < end; i += L) FloatVector.fromArray(S, a, ao + i).min(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i); break;
            default: return false;
        }
        if (i < len) ElementwiseCpu.sameScalar(op, a, ao + i, b, bo + i, o, oo + i, len - i);
        return true;
    }

    /** o[oo..] = a[ao..] op s. */
    static boolean withScalar(BinaryOp op, float[] a, int ao, float s, float[] o, int oo, int len) {
        if (op == BinaryOp.POW || len < L) return false;
        int i = 0, end = S.loopBound(len);
        switch (op) {
            case ADD: for (; i < end; i += L) FloatVector.fromArray(S, a, ao + i).add(s).intoArray(o, oo + i); break;
            case SUB: for (; i < end; i += L) FloatVector.fromArray(S, a, ao + i).sub(s).intoArray(o, oo + i); break;
            case MUL: for (; i < end; i += L) FloatVector.fromArray(S, a, ao + i).mul(s).intoArray(o, oo + i); break;
            case DIV: for (; i < end; i += L) FloatVector.fromArray(S, a, ao + i).div(s).intoArray(o, oo + i); break;
            case MAX: for (; i < end; i += L) FloatVector.fromArray(S, a, ao + i).max(s).intoArray(o, oo + i); break;
            case MIN: for (; i < end; i += L) FloatVector.fromArray(S, a, ao + i).min(s).intoArray(o, oo + i); break;
            default: return false;
        }
        if (i < len) ElementwiseCpu.withScalarB(op, a, ao + i, s, o, oo + i, len - i);
        return true;
    }

    /** o[oo..] = s op b[bo..]. */
    static boolean scalarWith(BinaryOp op, float s, float[] b, int bo, float[] o, int oo, int len) {
        if (op == BinaryOp.POW || len < L) return false;
        FloatVector sv = FloatVector.broadcast(S, s);
        int i = 0, end = S.loopBound(len);
        switch (op) {
            case ADD: for (; i < end; i += L) sv.add(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i); break;
            case SUB: for (; i < end; i += L) sv.sub(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i); break;
            case MUL: for (; i < end; i += L) sv.mul(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i); break;
            case DIV: for (; i < end; i += L) sv.div(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i); break;
            case MAX: for (; i < end; i += L) sv.max(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i); break;
            case MIN: for (; i < end; i += L) sv.min(FloatVector.fromArray(S, b, bo + i)).intoArray(o, oo + i); break;
            default: return false;
        }
        if (i < len) ElementwiseCpu.scalarWithA(op, s, b, bo + i, o, oo + i, len - i);
        return true;
    }

    /** Sum of x[lo..hi) in float lanes over short blocks, blocks added in double (accurate over 10^7 elements). */
    static double sum(float[] x, int lo, int hi) {
        final int block = 16 * L;   // 16 float adds per lane, then double: error ~1e-7 relative
        double total = 0;
        int i = lo;
        while (hi - i >= L) {
            int end = Math.min(hi, i + block);
            end = i + S.loopBound(end - i);
            FloatVector acc = FloatVector.zero(S);
            for (; i < end; i += L) acc = acc.add(FloatVector.fromArray(S, x, i));
            total += acc.reduceLanes(VectorOperators.ADD);
        }
        for (; i < hi; i++) total += x[i];
        return total;
    }

    static float max(float[] x, int lo, int hi, float init) {
        int i = lo, end = lo + S.loopBound(hi - lo);
        float m = init;
        if (end > lo) {
            FloatVector acc = FloatVector.broadcast(S, init);
            for (; i < end; i += L) acc = acc.max(FloatVector.fromArray(S, x, i));
            m = Math.max(m, acc.reduceLanes(VectorOperators.MAX));
        }
        for (; i < hi; i++) m = Math.max(m, x[i]);
        return m;
    }
}
