package org.screener.core;

import org.junit.jupiter.api.Test;
import org.screener.core.autograd.GradCheck;
import org.screener.core.ops.Linalg;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backend.inverseLogAbsDet: the CPU kernel (its own LU in double) against the reference (EJML in double) and
 * the Backend default, on random well-conditioned matrices of awkward sizes and on singular ones.
 */
class LinalgKernelTest {
    private static final Backend CPU = Backends.get("cpu"), REF = Backends.get("ref");
    private static final int[] SIZES = {1, 2, 3, 8, 17, 32};

    /** Gaussian entries plus 2·sqrt(d) on the diagonal (condition numbers ~10), rows permuted so pivoting matters. */
    static float[] wellConditioned(Random rnd, int d) {
        float[] a = new float[d * d];
        for (int i = 0; i < d * d; i++) a[i] = (float) rnd.nextGaussian();
        int shift = d / 3;
        for (int i = 0; i < d; i++) a[((i + shift) % d) * d + i] += (float) (2 * Math.sqrt(d) * (rnd.nextBoolean() ? 1 : -1));
        return a;
    }

    /** {inv (scaled), logAbsDet} from be, as floats (the reference's doubles rounded). */
    private static float[][] run(Backend be, float[] a, int d, Float scale) {
        Storage sa = be.allocate((long) d * d), inv = be.allocate((long) d * d), ld = be.allocate(1), sc = null;
        be.write(sa, 0, a, 0, d * d);
        if (scale != null) { sc = be.allocate(1); be.write(sc, 0, new float[]{scale}, 0, 1); }
        be.inverseLogAbsDet(sa, d, sc, inv, ld);
        float[] i = new float[d * d], l = new float[1];
        be.read(inv, 0, i, 0, d * d);
        be.read(ld, 0, l, 0, 1);
        // each output alone gives the same as both together
        Storage ld2 = be.allocate(1), inv2 = be.allocate((long) d * d);
        be.inverseLogAbsDet(sa, d, null, null, ld2);
        be.inverseLogAbsDet(sa, d, sc, inv2, null);
        float[] l2 = new float[1], i2 = new float[d * d];
        be.read(ld2, 0, l2, 0, 1);
        be.read(inv2, 0, i2, 0, d * d);
        assertEquals(Float.floatToIntBits(l[0]), Float.floatToIntBits(l2[0]), be.name() + " logAbsDet alone");
        org.junit.jupiter.api.Assertions.assertArrayEquals(i, i2, be.name() + " inverse alone");
        return new float[][]{i, l};
    }

    @Test
    void cpuMatchesReferenceOnRandomMatrices() {
        Random rnd = new Random(21);
        Backend dflt = DefaultKernels.cpuWithDefaults("inverseLogAbsDet");
        int exact = 0, total = 0;
        for (int d : SIZES)
            for (int trial = 0; trial < 3; trial++) {
                float[] a = wellConditioned(rnd, d);
                Float scale = trial == 0 ? null : (float) rnd.nextGaussian();
                float[][] c = run(CPU, a, d, scale), r = run(REF, a, d, scale), df = run(dflt, a, d, scale);
                // the same LU order as EJML's: log|det| is the same double, so the same float
                assertEquals(r[1][0], c[1][0], 0f, "logAbsDet d=" + d);
                assertEquals(r[1][0], df[1][0], 0f, "default logAbsDet d=" + d);
                double big = 0;
                for (float v : r[0]) big = Math.max(big, Math.abs(v));
                for (int i = 0; i < d * d; i++) {
                    assertEquals(r[0][i], c[0][i], 1e-6 * big, "inverse d=" + d + " entry " + i);
                    assertEquals(Float.floatToIntBits(r[0][i]), Float.floatToIntBits(df[0][i]), "default inverse d=" + d);
                    if (r[0][i] == c[0][i]) exact++;
                    total++;
                }
                // and it is an inverse
                double[] prod = new double[d * d];
                for (int i = 0; i < d; i++)
                    for (int j = 0; j < d; j++)
                        for (int k = 0; k < d; k++) prod[i * d + j] += (double) a[i * d + k] * c[0][k * d + j] / (scale == null ? 1 : scale);
                for (int i = 0; i < d; i++)
                    for (int j = 0; j < d; j++) assertEquals(i == j ? 1 : 0, prod[i * d + j], 1e-5, "A·inv d=" + d);
            }
        // the inverse solves differently from EJML (which uses cofactors up to 5x5): equal after rounding to float
        // almost always
        assertTrue(exact > 0.95 * total, exact + " of " + total + " inverse entries bit-equal to the reference");
    }

    @Test
    void singularAndNonFiniteMatrices() {
        Backend dflt = DefaultKernels.cpuWithDefaults("inverseLogAbsDet");
        Random rnd = new Random(22);
        for (int d : SIZES) {
            float[] zeroCol = wellConditioned(rnd, d);
            for (int i = 0; i < d; i++) zeroCol[i * d + d / 2] = 0;   // exactly singular: a zero column
            float[] nan = wellConditioned(rnd, d);
            nan[d * d / 2] = Float.NaN;
            float[] inf = wellConditioned(rnd, d);
            inf[0] = Float.POSITIVE_INFINITY;
            for (Backend be : new Backend[]{CPU, REF, dflt}) {
                float[][] z = run(be, zeroCol, d, null);
                assertEquals(Float.NEGATIVE_INFINITY, z[1][0], be.name() + " singular d=" + d);
                for (float v : z[0]) assertTrue(Float.isNaN(v), be.name() + " singular inverse d=" + d);
                for (float[] bad : new float[][]{nan, inf}) {
                    float[][] o = run(be, bad, d, null);
                    assertTrue(Float.isNaN(o[1][0]), be.name() + " non-finite entry d=" + d);
                    for (float v : o[0]) assertTrue(Float.isNaN(v), be.name() + " non-finite inverse d=" + d);
                }
            }
        }
        float[][] rankOne = run(CPU, new float[]{1, 2, 2, 4}, 2, null);
        assertEquals(Float.NEGATIVE_INFINITY, rankOne[1][0]);
    }

    @Test
    void opsMatchReferenceWithGradients() {
        Random rnd = new Random(23);
        for (int d : SIZES) {
            Tensor a = Tensor.of(GradCheck.ref(), wellConditioned(rnd, d), d, d).requiresGrad(true);
            CpuVsRef.check("inverse d=" + d, t -> Linalg.inverse(t[0]), 1e-5, a);
            CpuVsRef.check("logAbsDet d=" + d, t -> Linalg.logAbsDet(t[0]), 1e-5, a);
        }
    }
}
