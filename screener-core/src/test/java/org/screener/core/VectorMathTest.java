package org.screener.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;
import org.screener.core.cpu.VectorMath;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** VectorMath against java.lang.Math in double, on random and special values, and bit-stable across JIT tiers. */
class VectorMathTest {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static float[] apply(UnaryOperator<FloatVector> f, float[] x) {
        int n = (x.length + S.length() - 1) / S.length() * S.length();
        float[] in = java.util.Arrays.copyOf(x, n), out = new float[n];
        for (int i = 0; i < n; i += S.length()) f.apply(FloatVector.fromArray(S, in, i)).intoArray(out, i);
        return java.util.Arrays.copyOf(out, x.length);
    }

    private static void within2Ulp(String name, UnaryOperator<FloatVector> f, DoubleUnaryOperator ref, float[] x) {
        float[] got = apply(f, x);
        for (int i = 0; i < x.length; i++) {
            double want = ref.applyAsDouble(x[i]);
            float wf = (float) want;
            if (Float.isNaN(wf) || Float.isInfinite(wf)) {
                assertEquals(wf, got[i], 0f, name + "(" + x[i] + ")");
                continue;
            }
            double tol = 2 * Math.ulp(wf) + Float.MIN_VALUE;
            assertTrue(Math.abs(got[i] - want) <= tol, name + "(" + x[i] + ") = " + got[i] + ", want " + want);
        }
    }

    private static float[] random(Random r, int n, double lo, double hi) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return a;
    }

    private static float[] logUniform(Random r, int n, double minExp, double maxExp) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) Math.pow(10, minExp + (maxExp - minExp) * r.nextDouble());
        return a;
    }

    private static final float NAN = Float.NaN, INF = Float.POSITIVE_INFINITY;

    @Test void expMatchesMath() {
        Random r = new Random(1);
        within2Ulp("exp", VectorMath::exp, Math::exp, random(r, 20_000, -87, 88.7));
        within2Ulp("exp", VectorMath::exp, Math::exp, random(r, 2_000, -1e-3, 1e-3));
        within2Ulp("exp", VectorMath::exp, Math::exp, new float[]{0f, -0f, 1f, -1f, 88.72f, 88.73f, 100f, -87.5f, -100f,
                -103f, -104f, -200f, INF, -INF, NAN, Float.MIN_VALUE, 0.34657359f, -0.34657359f});
    }

    @Test void logMatchesMath() {
        Random r = new Random(2);
        within2Ulp("log", VectorMath::log, Math::log, logUniform(r, 20_000, -37.9, 38.5));
        within2Ulp("log", VectorMath::log, Math::log, random(r, 2_000, 0.5, 2));
        within2Ulp("log", VectorMath::log, Math::log, logUniform(r, 500, -44.8, -38));   // subnormals
        within2Ulp("log", VectorMath::log, Math::log, new float[]{1f, 0f, -0f, -1f, INF, -INF, NAN, Float.MIN_VALUE,
                Float.MAX_VALUE, 1.41421356f, 1.4142137f, 0.70710677f});
    }

    @Test void log1pMatchesMath() {
        Random r = new Random(3);
        within2Ulp("log1p", VectorMath::log1p, Math::log1p, random(r, 20_000, -0.999, 10));
        within2Ulp("log1p", VectorMath::log1p, Math::log1p, logUniform(r, 5_000, -30, 0));
        within2Ulp("log1p", VectorMath::log1p, Math::log1p, new float[]{0f, -1f, -2f, 1e-10f, -1e-10f, 1e30f, INF, NAN});
    }

    @Test void tanhMatchesMath() {
        Random r = new Random(4);
        within2Ulp("tanh", VectorMath::tanh, Math::tanh, random(r, 20_000, -12, 12));
        within2Ulp("tanh", VectorMath::tanh, Math::tanh, random(r, 5_000, -0.7, 0.7));
        within2Ulp("tanh", VectorMath::tanh, Math::tanh, new float[]{0f, -0f, 0.625f, -0.625f, 0.6249f, 1e-20f, 50f, -50f,
                INF, -INF, NAN});
    }

    /** The reason VectorMath exists: the same call gives the same bits however far the JIT has got. */
    @Test void sameBitsBeforeAndAfterCompilation() {
        float[] x = random(new Random(5), 4096, -20, 20);
        float[] ax = new float[x.length];
        for (int i = 0; i < x.length; i++) ax[i] = Math.abs(x[i]);
        float[][] first = {apply(VectorMath::exp, x), apply(VectorMath::log1p, ax), apply(VectorMath::tanh, x), apply(VectorMath::log, ax)};
        float[][] later = new float[4][];
        for (int k = 0; k < 3000; k++) {
            later[0] = apply(VectorMath::exp, x);
            later[1] = apply(VectorMath::log1p, ax);
            later[2] = apply(VectorMath::tanh, x);
            later[3] = apply(VectorMath::log, ax);
        }
        for (int j = 0; j < 4; j++) assertArrayEquals(first[j], later[j], 0f);
    }
}
