package org.screener.core.cpu;

import org.screener.core.Philox;

/**
 * Counter-based random numbers on float arrays, in parallel: each task walks the Philox blocks that cover its
 * elements and emits the words (or Box–Muller pairs) that fall inside its range. Element i depends only on
 * (seed, offset + i), so the output does not depend on the thread count or the chunking.
 */
public final class RandomCpu {
    private RandomCpu() {}

    private static final int CHUNK = 4096;

    public static void uniform(float[] out, long n, long seed, long offset, float lo, float hi) {
        Philox.checkUniform(n, offset, lo, hi);
        checkSize(out.length, n, "randomUniform");
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        Parallel.forRange((int) n, CHUNK, (a, z) -> {
            int[] x = new int[4];
            int i = a;
            while (i < z) {
                long j = offset + i, blk = j >>> 2;
                Philox.block((int) blk, (int) (blk >>> 32), Philox.TAG_UNIFORM, 0, k0, k1, x);
                for (int w = (int) (j & 3); w < 4 && i < z; w++, i++) out[i] = Philox.uniformFromWord(x[w], lo, hi);
            }
        });
    }

    public static void normal(float[] out, long n, long seed, long offset, float mean, float std) {
        Philox.checkNormal(n, offset, mean, std);
        checkSize(out.length, n, "randomNormal");
        int k0 = (int) seed, k1 = (int) (seed >>> 32);
        Parallel.forRange((int) n, CHUNK, (a, z) -> {
            int[] x = new int[4];
            double[] cs = new double[2];
            int i = a;
            while (i < z) {
                long j = offset + i, blk = j >>> 2;
                Philox.block((int) blk, (int) (blk >>> 32), Philox.TAG_NORMAL, 0, k0, k1, x);
                for (int w = (int) (j & 3); w < 4 && i < z; ) {
                    int p = w & 2;                  // the pair (x[p], x[p+1]) feeds elements p and p+1 of the block
                    double r = Philox.radius(x[p]);
                    Philox.sinCos2Pi(x[p + 1], cs);
                    for (; w < p + 2 && i < z; w++, i++) out[i] = Philox.normalFromPair(r, cs, (w & 1) != 0, mean, std);
                }
            }
        });
    }

    private static void checkSize(int size, long n, String op) {
        if (n > size) throw new IllegalArgumentException(op + ": " + n + " numbers into a storage of " + size);
    }
}
