package org.screener.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.screener.core.cpu.Parallel;
import org.screener.core.ref.RandomRef;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Counter-based random numbers: Philox known answers, CPU == reference bitwise, invariances, moments. */
class RandomTest {
    private final int threads0 = Parallel.threads();

    @AfterEach
    void restoreThreads() { Parallel.setThreads(threads0); }

    /**
     * Random123's kat_vectors lines "philox4x32 R ctr[4] key[2] -> out[4]"; the 10-round ones are the brief's
     * and the 7-round ones pin the round/key-bump order of the reference implementation.
     */
    private static final int[][] KAT10 = {
            {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
            {-1, -1, -1, -1, -1, -1, 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
            {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}};
    private static final int[][] KAT7 = {
            {0, 0, 0, 0, 0, 0, 0x5f6fb709, 0x0d893f64, 0x4f121f81, 0x4f730a48},
            {-1, -1, -1, -1, -1, -1, 0x5207ddc2, 0x45165e59, 0x4d8ee751, 0x8c52f662},
            {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0x4dfccaba, 0x190a87f0, 0xc47362ba, 0xb6b5242a}};

    @Test
    void philoxKnownAnswers() {
        for (int[] v : KAT10) {
            int[] want = {v[6], v[7], v[8], v[9]}, got = new int[4];
            Philox.block(v[0], v[1], v[2], v[3], v[4], v[5], got);
            assertArrayEquals(want, got, "Philox.block");
            assertArrayEquals(want, RandomRef.philox4x32(10, new int[]{v[0], v[1], v[2], v[3]}, new int[]{v[4], v[5]}), "RandomRef");
        }
        for (int[] v : KAT7)
            assertArrayEquals(new int[]{v[6], v[7], v[8], v[9]},
                    RandomRef.philox4x32(7, new int[]{v[0], v[1], v[2], v[3]}, new int[]{v[4], v[5]}), "RandomRef 7 rounds");
    }

    @Test
    void wordLayoutIsTheDocumentedOne() {
        // element j of seed s is word j mod 4 of block (j/4 low, j/4 high, tag, 0) keyed by (s low, s high)
        long seed = 0x0123456789abcdefL, j = (5L << 34) + 6;   // block index above 2^32: both counter words used
        int[] x = new int[4];
        Philox.block((int) (j >>> 2), (int) (j >>> 34), Philox.TAG_UNIFORM, 0, 0x89abcdef, 0x01234567, x);
        assertEquals(Philox.uniformFromWord(x[2], 0, 1), Philox.uniform(seed, j, 0, 1));
        assertEquals((x[2] >>> 8) * 0x1p-24f, Philox.uniform(seed, j, 0, 1));
    }

    @Test
    void polynomialsMatchMath() {
        java.util.Random rnd = new java.util.Random(1);
        double[] cs = new double[2];
        for (int t = 0; t < 200000; t++) {
            int w = t < 4 ? new int[]{0, -1, Integer.MIN_VALUE, 0x3FFFFFFF}[t] : rnd.nextInt();
            double u1 = ((w & 0xFFFFFFFFL) + 1) * 0x1p-32, l = Math.log(u1);
            double got = Philox.logU1(w);
            if (!(Math.abs(got - l) <= 4e-16 * Math.abs(l) + 1e-300)) fail("logU1(" + w + ") = " + got + ", Math.log " + l);
            double th = 2 * Math.PI * ((w & 0xFFFFFFFFL) * 0x1p-32);
            Philox.sinCos2Pi(w, cs);
            if (Math.abs(cs[0] - Math.cos(th)) > 1e-15 || Math.abs(cs[1] - Math.sin(th)) > 1e-15)
                fail("sinCos2Pi(" + w + ") = " + cs[0] + ", " + cs[1] + " vs " + Math.cos(th) + ", " + Math.sin(th));
        }
        assertEquals(0.0, Philox.logU1(-1));   // u1 = 1 exactly
    }

    private static float[] cpu(boolean normal, int n, long seed, long offset, float p0, float p1) {
        Backend b = TestUtil.cpu();
        Storage s = b.allocate(n);
        if (normal) b.randomNormal(s, n, seed, offset, p0, p1);
        else b.randomUniform(s, n, seed, offset, p0, p1);
        float[] out = new float[n];
        b.read(s, 0, out, 0, n);
        return out;
    }

    private static float[] on(Backend b, boolean normal, int n, long seed, long offset, float p0, float p1) {
        Storage s = b.allocate(n);
        if (normal) b.randomNormal(s, n, seed, offset, p0, p1);
        else b.randomUniform(s, n, seed, offset, p0, p1);
        float[] out = new float[n];
        b.read(s, 0, out, 0, n);
        return out;
    }

    private static void assertBitwise(String what, float[] a, float[] b) {
        assertEquals(a.length, b.length, what);
        for (int i = 0; i < a.length; i++)
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i]))
                fail(what + ": element " + i + " is " + b[i] + ", expected " + a[i]);
    }

    @Test
    void cpuMatchesReferenceBitwise() {
        Backend ref = TestUtil.ref();
        long[] seeds = {0, -1, 0x5eed_1234_abcdL};
        long[] offsets = {0, 1, 2, 3, 5, 4L * 0xFFFFFFFFL + 1, Long.MAX_VALUE - 10009};
        int[] sizes = {0, 1, 2, 3, 7, 4097, 10007};
        for (long seed : seeds)
            for (long off : offsets)
                for (int n : sizes) {
                    if (off > Long.MAX_VALUE - n) continue;
                    String w = "seed " + seed + " offset " + off + " n " + n;
                    assertBitwise("uniform " + w, on(ref, false, n, seed, off, -2.5f, 3.25f), cpu(false, n, seed, off, -2.5f, 3.25f));
                    assertBitwise("normal " + w, on(ref, true, n, seed, off, 0.75f, 1.5f), cpu(true, n, seed, off, 0.75f, 1.5f));
                }
    }

    @Test
    void backendDefaultsMatchCpu() {
        Backend d = DefaultKernels.of(TestUtil.cpu(), "defaults", Set.of("randomUniform", "randomNormal"));
        int n = 70001;   // more than the defaults' host buffer of 65536
        assertBitwise("default uniform", cpu(false, n, 9, 3, 0, 1), on(d, false, n, 9, 3, 0, 1));
        assertBitwise("default normal", cpu(true, n, 9, 3, 0, 1), on(d, true, n, 9, 3, 0, 1));
    }

    @Test
    void threadCountDoesNotChangeTheNumbers() {
        int n = 50001;
        Parallel.setThreads(1);
        float[] u1 = cpu(false, n, 42, 7, 0, 1), z1 = cpu(true, n, 42, 7, 0, 1);
        Parallel.setThreads(2);
        assertBitwise("uniform 1 vs 2 threads", u1, cpu(false, n, 42, 7, 0, 1));
        assertBitwise("normal 1 vs 2 threads", z1, cpu(true, n, 42, 7, 0, 1));
        Parallel.setThreads(3);
        assertBitwise("normal 1 vs 3 threads", z1, cpu(true, n, 42, 7, 0, 1));
    }

    @Test
    void splittingARequestDoesNotChangeTheNumbers() {
        int n = 20011;
        long off = 13;
        int[] cuts = {0, 1, 2, 5, 4100, 4101, 9999, 20000, n};
        for (boolean normal : new boolean[]{false, true}) {
            float[] whole = cpu(normal, n, 77, off, 0, 1);
            float[] parts = new float[n];
            for (int k = 0; k + 1 < cuts.length; k++) {
                int a = cuts[k], len = cuts[k + 1] - a;
                System.arraycopy(cpu(normal, len, 77, off + a, 0, 1), 0, parts, a, len);
            }
            assertBitwise((normal ? "normal" : "uniform") + " split", whole, parts);
        }
        // the stream: consecutive draws are one long draw
        RandomStream rs = new RandomStream(77, off);
        float[] a = rs.normal(TestUtil.cpu(), 0, 1, 3, 7).toArray(), b = rs.normal(TestUtil.cpu(), 0, 1, 5).toArray();
        float[] whole = cpu(true, 26, 77, off, 0, 1);
        float[] joined = new float[26];
        System.arraycopy(a, 0, joined, 0, 21);
        System.arraycopy(b, 0, joined, 21, 5);
        assertBitwise("stream", whole, joined);
        assertEquals(off + 26, rs.offset());
        assertBitwise("stream on ref", new RandomStream(77, off).normal(TestUtil.ref(), 0, 1, 26).toArray(), whole);
    }

    @Test
    void normalMoments() {
        int n = 1 << 20;
        float mean = 0.5f, std = 2f;
        float[] z = cpu(true, n, 2024, 0, mean, std);
        double[] m = moments(z, mean, std);
        // standardised: mean 0 (sd 1/sqrt n), variance 1 (sd sqrt(2/n)), skew 0 (sd sqrt(6/n)), kurtosis 3 (sd sqrt(24/n))
        double se = 1 / Math.sqrt(n);
        assertEquals(0, m[0], 5 * se, "mean");
        assertEquals(1, m[1], 5 * Math.sqrt(2) * se, "variance");
        assertEquals(0, m[2], 5 * Math.sqrt(6) * se, "skewness");
        assertEquals(3, m[3], 5 * Math.sqrt(24) * se * 1.5, "kurtosis");
        // adjacent elements share a Box-Muller pair (cos, sin): uncorrelated
        double c = 0;
        for (int i = 0; i + 1 < n; i += 2) c += (z[i] - mean) / std * ((z[i + 1] - mean) / std);
        assertEquals(0, c / (n / 2), 5 * Math.sqrt(2.0 / n), "pair correlation");
        int tail = 0;
        for (float v : z) if (Math.abs((v - mean) / std) > 3) tail++;
        double p = 0.0026997960632601866;   // P(|Z| > 3)
        assertEquals(p * n, tail, 5 * Math.sqrt(p * n), "tail count beyond 3 sd");
    }

    @Test
    void uniformMomentsAndRange() {
        int n = 1 << 20;
        float lo = -3f, hi = 7f;
        float[] u = cpu(false, n, 5, 11, lo, hi);
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (float v : u) {
            if (!(v >= lo && v < hi)) fail("uniform value " + v + " outside [" + lo + ", " + hi + ")");
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(min < lo + 1e-3 && max > hi - 1e-3, "range is covered: " + min + " .. " + max);
        double[] m = moments(u, (lo + hi) / 2.0, (hi - lo) / Math.sqrt(12));
        double se = 1 / Math.sqrt(n);
        assertEquals(0, m[0], 5 * se, "mean");
        assertEquals(1, m[1], 5 * Math.sqrt(0.8) * se, "variance");   // Var(U²) standardised: 4/5
        int[] bins = new int[10];
        for (float v : u) bins[(int) ((v - lo) / (hi - lo) * 10)]++;
        for (int b : bins) assertEquals(n / 10.0, b, 5 * Math.sqrt(n * 0.09), "decile count");
        // a span narrower than one ulp still stays below hi
        float one = 1f, up = Math.nextUp(1f);
        for (float v : cpu(false, 1000, 5, 0, one, up)) assertEquals(one, v);
        for (float v : cpu(false, 1000, 5, 0, 0, Float.MIN_VALUE)) assertEquals(0f, v);
    }

    /** Mean, variance, skewness and kurtosis of (x − mu) / sd. */
    private static double[] moments(float[] x, double mu, double sd) {
        double[] s = new double[4];
        for (float v : x) {
            double z = (v - mu) / sd, p = z;
            for (int k = 0; k < 4; k++, p *= z) s[k] += p;
        }
        for (int k = 0; k < 4; k++) s[k] /= x.length;
        double m = s[0], var = s[1] - m * m;
        double m3 = s[2] - 3 * m * s[1] + 2 * m * m * m;
        double m4 = s[3] - 4 * m * s[2] + 6 * m * m * s[1] - 3 * m * m * m * m;
        return new double[]{m, var, m3 / Math.pow(var, 1.5), m4 / (var * var)};
    }

    @Test
    void seedsAndDistributionsDiffer() {
        float[] a = cpu(false, 64, 1, 0, 0, 1), b = cpu(false, 64, 2, 0, 0, 1);
        int same = 0;
        for (int i = 0; i < 64; i++) if (a[i] == b[i]) same++;
        assertTrue(same < 3, "seeds 1 and 2 agree on " + same + " of 64");
        // the normal of element j does not reuse the uniform's words (tag 1 vs 0)
        int[] xu = new int[4], xn = new int[4];
        Philox.blockOf(1, Philox.TAG_UNIFORM, 0, xu);
        Philox.blockOf(1, Philox.TAG_NORMAL, 0, xn);
        for (int k = 0; k < 4; k++) assertTrue(xu[k] != xn[k]);
    }

    @Test
    void rejectsBadArguments() {
        Backend b = TestUtil.cpu();
        Storage s = b.allocate(4);
        for (Backend be : new Backend[]{b, TestUtil.ref()}) {
            Storage t = be.allocate(4);
            assertThrows(IllegalArgumentException.class, () -> be.randomUniform(t, 4, 0, 0, 1, 1));
            assertThrows(IllegalArgumentException.class, () -> be.randomUniform(t, 4, 0, 0, 0, Float.POSITIVE_INFINITY));
            assertThrows(IllegalArgumentException.class, () -> be.randomUniform(t, 4, 0, -1, 0, 1));
            assertThrows(IllegalArgumentException.class, () -> be.randomNormal(t, 4, 0, 0, 0, -1));
            assertThrows(IllegalArgumentException.class, () -> be.randomNormal(t, 4, 0, Long.MAX_VALUE - 2, 0, 1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> be.randomNormal(t, 5, 0, 0, 0, 1));
            assertTrue(e.getMessage().contains("storage of 4"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> b.randomNormal(b.allocateInt(4), 4, 0, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new RandomStream(0, -1));
        RandomStream rs = new RandomStream(3);
        assertThrows(IllegalArgumentException.class, () -> rs.normal(b, 0, -1, 2));
        assertEquals(0, rs.offset(), "a rejected draw takes nothing");
    }
}
