package org.screener.core.ref;

import org.screener.core.Philox;

/**
 * Counter-based random numbers, one element at a time: Philox4x32 written out as in the paper (word arrays,
 * bump-then-round), the element's block recomputed for every element, then {@link Philox}'s conversions. The
 * values are floats stored in double, so the reference backend reads back exactly what the CPU backend makes.
 */
public final class RandomRef {
    private RandomRef() {}

    /** Philox4x32 with the given number of rounds (10 is the generator; 7 only for the known-answer test). */
    public static int[] philox4x32(int rounds, int[] counter, int[] key) {
        long[] x = new long[4], k = new long[2];
        for (int i = 0; i < 4; i++) x[i] = counter[i] & 0xFFFFFFFFL;
        for (int i = 0; i < 2; i++) k[i] = key[i] & 0xFFFFFFFFL;
        for (int r = 0; r < rounds; r++) {
            if (r > 0) {
                k[0] = (k[0] + 0x9E3779B9L) & 0xFFFFFFFFL;
                k[1] = (k[1] + 0xBB67AE85L) & 0xFFFFFFFFL;
            }
            long p0 = 0xD2511F53L * x[0], p1 = 0xCD9E8D57L * x[2];   // < 2^64 as unsigned; >>> and & see the bits
            long[] y = {
                    ((p1 >>> 32) ^ x[1] ^ k[0]) & 0xFFFFFFFFL,
                    p1 & 0xFFFFFFFFL,
                    ((p0 >>> 32) ^ x[3] ^ k[1]) & 0xFFFFFFFFL,
                    p0 & 0xFFFFFFFFL};
            x = y;
        }
        int[] out = new int[4];
        for (int i = 0; i < 4; i++) out[i] = (int) x[i];
        return out;
    }

    private static int[] wordsOf(long seed, int tag, long j) {
        long b = j >>> 2;
        return philox4x32(10, new int[]{(int) b, (int) (b >>> 32), tag, 0}, new int[]{(int) seed, (int) (seed >>> 32)});
    }

    public static void uniform(double[] out, long n, long seed, long offset, float lo, float hi) {
        Philox.checkUniform(n, offset, lo, hi);
        if (n > out.length) throw new IllegalArgumentException("randomUniform: " + n + " numbers into a storage of " + out.length);
        for (long i = 0; i < n; i++) {
            long j = offset + i;
            int[] x = wordsOf(seed, Philox.TAG_UNIFORM, j);
            out[(int) i] = Philox.uniformFromWord(x[(int) (j % 4)], lo, hi);
        }
    }

    public static void normal(double[] out, long n, long seed, long offset, float mean, float std) {
        Philox.checkNormal(n, offset, mean, std);
        if (n > out.length) throw new IllegalArgumentException("randomNormal: " + n + " numbers into a storage of " + out.length);
        double[] cs = new double[2];
        for (long i = 0; i < n; i++) {
            long j = offset + i;
            int[] x = wordsOf(seed, Philox.TAG_NORMAL, j);
            int pair = (int) (j % 4) / 2;
            Philox.sinCos2Pi(x[2 * pair + 1], cs);
            out[(int) i] = Philox.normalFromPair(Philox.radius(x[2 * pair]), cs, j % 2 == 1, mean, std);
        }
    }
}
