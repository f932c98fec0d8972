package org.screener.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, log, log1p and tanh on float vectors from +, ×, fma, compares and bit operations only (Cephes' float
 * polynomials). The Vector API's own EXP / LOG / LOG1P / TANH are SVML calls once C2 compiles a loop but
 * {@code Math} calls before that, and the two differ in the last bit (53 of 4096 EXP lanes, measured): the
 * same run then gave different weights depending on when the JIT got there. These give the same bits
 * interpreted and compiled. Error: within 2 ulp of the correctly rounded value over the normal range (tested in
 * {@code VectorMathTest}). Loaded only by the Vector API kernels.
 * <p>These sit at the edge of C2's inlining budget: a tidy-up that named the ln 2 halves as constants and moved
 * the NaN test and tanh's broadcasts into small helpers made log1p 2× and tanh 3× slower in a loop (boxed
 * vectors), so it was not kept. Check ns per element after any edit.
 */
public final class VectorMath {
    private VectorMath() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** e^x; overflows to +inf above 88.72, underflows through the subnormals to 0 below −103.9, NaN stays NaN. */
    public static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(-104f).min(89f);
        // n = round(x / ln 2) by the 1.5·2^23 trick: the sum's low mantissa bits hold n (no int conversion, which
        // C2 did not keep in registers here)
        FloatVector t = xc.fma(1.44269504088896341f, MAGIC);
        IntVector n = t.reinterpretAsInts().sub(MAGIC_BITS);
        FloatVector nf = t.sub(MAGIC);
        FloatVector r = nf.fma(k(-0.693359375f), xc).add(nf.mul(2.12194440e-4f));   // x − n ln 2 in two parts
        FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f).fma(r, k(8.3334519073e-3f)).fma(r, k(4.1665795894e-2f))
                .fma(r, k(1.6666665459e-1f)).fma(r, k(5.0000001201e-1f));
        FloatVector y = p.fma(r.mul(r), r).add(1f);
        // 2^n as two normal powers of two, so n down to −150 scales into the subnormals and 128 overflows to inf
        IntVector n1 = n.lanewise(VectorOperators.ASHR, 1), n2 = n.sub(n1);
        return y.mul(pow2(n1)).mul(pow2(n2)).blend(x, x.compare(VectorOperators.NE, x));
    }

    private static final float MAGIC = 12582912f;                 // 1.5 · 2^23
    private static final int MAGIC_BITS = Float.floatToRawIntBits(MAGIC);

    private static FloatVector k(float v) { return FloatVector.broadcast(S, v); }

    private static FloatVector pow2(IntVector k) {
        return k.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    }

    /** Natural log; log 0 = −inf, log of a negative number or NaN = NaN, log(+inf) = +inf; subnormals handled. */
    public static FloatVector log(FloatVector x) {
        VectorMask<Float> sub = x.compare(VectorOperators.LT, 1.17549435e-38f);
        FloatVector r = logNormal(x.blend(x.mul(8388608f), sub), k(0f).blend(-23f, sub));   // × 2^23 lifts subnormals
        r = r.blend(Float.NEGATIVE_INFINITY, x.eq(0f));
        r = r.blend(Float.POSITIVE_INFINITY, x.eq(Float.POSITIVE_INFINITY));
        return r.blend(Float.NaN, x.compare(VectorOperators.LT, 0f).or(x.compare(VectorOperators.NE, x)));
    }

    /** log of a positive normal x, plus eAdjust · ln 2. Separate from {@link #log}: one method over C2's 325-byte inlining limit is called, not inlined, and boxes its vectors. */
    private static FloatVector logNormal(FloatVector x, FloatVector eAdjust) {
        IntVector bits = x.reinterpretAsInts();
        FloatVector ef = bits.lanewise(VectorOperators.LSHR, 23).sub(127).add(MAGIC_BITS).reinterpretAsFloats().sub(MAGIC).add(eAdjust);
        FloatVector m = bits.and(0x007fffff).or(0x3f800000).reinterpretAsFloats();   // [1, 2)
        VectorMask<Float> big = m.compare(VectorOperators.GT, 1.41421356f);
        m = m.blend(m.mul(0.5f), big);                                           // [√½, √2)
        ef = ef.blend(ef.add(1f), big);
        FloatVector f = m.sub(1f), z = f.mul(f);
        FloatVector y = f.fma(7.0376836292e-2f, -1.1514610310e-1f).fma(f, k(1.1676998740e-1f)).fma(f, k(-1.2420140846e-1f))
                .fma(f, k(1.4249322787e-1f)).fma(f, k(-1.6668057665e-1f)).fma(f, k(2.0000714765e-1f)).fma(f, k(-2.4999993993e-1f))
                .fma(f, k(3.3333331174e-1f));
        y = y.mul(f).mul(z).add(ef.mul(-2.12194440e-4f)).add(z.mul(-0.5f));
        return f.add(y).add(ef.mul(0.693359375f));
    }

    /** log(1 + x), accurate for small x (the rounding of 1 + x is corrected to first order). */
    public static FloatVector log1p(FloatVector x) {
        FloatVector u = x.add(1f), lu = log(u);
        FloatVector corrected = lu.sub(u.sub(1f).sub(x).div(u));
        // u = 1: log is 0 and the correction gives x itself; u = 0 or inf: the log alone is right (−inf, inf)
        return corrected.blend(lu, u.eq(0f).or(u.eq(Float.POSITIVE_INFINITY)));
    }

    /** tanh: an odd polynomial below |x| = 0.625, 1 − 2 / (e^{2|x|} + 1) above, the sign put back. */
    public static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs(), z = x.mul(x);
        FloatVector small = z.fma(-5.70498872745e-3f, 2.06390887954e-2f).fma(z, k(-5.37397155531e-2f))
                .fma(z, k(1.33314422036e-1f)).fma(z, k(-3.33332819422e-1f)).mul(z).fma(x, x);
        FloatVector large = FloatVector.broadcast(S, 1f).sub(FloatVector.broadcast(S, 2f).div(exp(a.add(a)).add(1f)));
        large = large.blend(large.neg(), x.lt(0f));
        return large.blend(small, a.lt(0.625f)).blend(x, x.compare(VectorOperators.NE, x));
    }
}
