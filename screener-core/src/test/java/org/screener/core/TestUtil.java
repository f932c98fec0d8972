package org.screener.core;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/** Shared helpers of the elementwise / reduction tests. */
final class TestUtil {
    private TestUtil() {}

    static Backend cpu() { return Backends.get("cpu"); }

    static Backend ref() { return Backends.get("ref"); }

    /** Uniform values in [lo, hi) at least gap away from every kink (where an op is not differentiable). */
    static float[] values(Random rnd, int n, double lo, double hi, double gap, double... kinks) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double x;
            boolean ok;
            do {
                x = lo + (hi - lo) * rnd.nextDouble();
                ok = true;
                for (double k : kinks) if (Math.abs(x - k) < gap) ok = false;
            } while (!ok);
            v[i] = (float) x;
        }
        return v;
    }

    /** |actual - expected| <= atol + rtol * |expected| everywhere; the message names what and where. */
    static void close(String what, double[] expected, float[] actual, double atol, double rtol) {
        if (expected.length != actual.length) fail(what + ": length " + actual.length + " vs " + expected.length);
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            if (Double.isNaN(e) && Double.isNaN(a)) continue;
            if (e == a) continue;   // also equal infinities
            if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e)))
                fail(what + ": element " + i + " is " + a + ", expected " + e);
        }
    }
}
