package org.screener.core;

/**
 * The definition of the backends' counter-based random numbers ({@link Backend#randomUniform},
 * {@link Backend#randomNormal}), written so that a CUDA kernel can reproduce every bit.
 *
 * <p><b>Generator.</b> Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as 1, 2, 3",
 * SC11; the Random123 library): a 128-bit counter (c0, c1, c2, c3) and a 64-bit key (k0, k1) give four 32-bit
 * words (x0, x1, x2, x3). Round: with (hi0, lo0) = M0·c0 and (hi1, lo1) = M1·c2 as 64-bit products,
 * c ← (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0); M0 = 0xD2511F53, M1 = 0xCD9E8D57. Ten rounds; before each round
 * after the first the key is bumped by (0x9E3779B9, 0xBB67AE85) mod 2^32. Checked against the Random123
 * known-answer vectors in RandomTest.
 *
 * <p><b>Which word feeds which element.</b> Element j = offset + i (a non-negative 64-bit index) lives in block
 * B = j / 4 (unsigned shift by 2). The key is the seed: k0 = low 32 bits, k1 = high 32 bits. The counter is
 * c0 = low 32 bits of B, c1 = high 32 bits of B, c2 = tag, c3 = 0, with tag {@link #TAG_UNIFORM} = 0 for
 * uniform and {@link #TAG_NORMAL} = 1 for normal numbers, so the two distributions never share a word.
 * <ul>
 * <li>Uniform: w = x[j mod 4]; u = (w >>> 8) · 2^-24 (exact in float, in [0, 1)); the result is the float
 * lo + (hi − lo)·u, each of the three operations rounded to nearest float separately (no fused multiply-add;
 * in CUDA __fsub_rn, __fmul_rn, __fadd_rn); if that rounds to hi or above, the float just below hi.</li>
 * <li>Normal: p = (j mod 4) / 2 picks the pair a = x[2p], b = x[2p+1]; Box–Muller in double:
 * r = sqrt(−2·L) with L = {@link #logU1}(a) = ln((a + 1)·2^-32) (a as unsigned, so u1 is in (0, 1]), and
 * (cos θ, sin θ) for θ = 2π·(b·2^-32) from {@link #sinCos2Pi}(b); z = r·cos θ for even j, r·sin θ for odd j
 * (one double product), then zf = (float) z and the result is the float mean + std·zf (two separately rounded
 * float operations). log, sin and cos are the polynomials below, evaluated in the written order with IEEE
 * double +, −, ×, ÷ and sqrt, each rounded to nearest (CUDA: the __d*_rn intrinsics or -fmad=false), so they
 * are the same bits everywhere (Math.log and CUDA's log are not).</li>
 * </ul>
 * An element depends only on (seed, j): the same numbers on every backend and thread count, and for any split of
 * a request into calls with consecutive offsets.
 */
public final class Philox {
    private Philox() {}

    public static final int TAG_UNIFORM = 0, TAG_NORMAL = 1;

    static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /** The nearest doubles to ln 2, sqrt 2 and pi/2. */
    static final double LN2 = 0x1.62e42fefa39efp-1, SQRT2 = 0x1.6a09e667f3bcdp0, PI_2 = 0x1.921fb54442d18p0;

    /** 1/(2k+1) for k = 0..10, the atanh series; each the nearest double (a correctly rounded division). */
    private static final double[] ATANH = new double[11];
    /** (−1)^k/(2k+1)! and (−1)^k/(2k)! for k = 0..10; every n! up to 21! is exact in double. */
    private static final double[] SIN = new double[11], COS = new double[11];

    static {
        double f = 1;                               // n!
        for (int n = 1; n <= 21; n++) {
            f *= n;
            int k = n / 2;
            if ((n & 1) == 1) SIN[k] = ((k & 1) == 0 ? 1.0 : -1.0) / f;
            else COS[k] = ((k & 1) == 0 ? 1.0 : -1.0) / f;
        }
        SIN[0] = 1;
        COS[0] = 1;
        for (int k = 0; k <= 10; k++) ATANH[k] = 1.0 / (2 * k + 1);
    }

    /** Philox4x32-10 of counter (c0..c3) and key (k0, k1) into out[0..3]. */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int r = 0; r < 10; r++) {
            if (r > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (c0 & 0xFFFFFFFFL) * (M0 & 0xFFFFFFFFL), p1 = (c2 & 0xFFFFFFFFL) * (M1 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0, n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c1 = (int) p1;
            c3 = (int) p0;
            c0 = n0;
            c2 = n2;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /** The four words of element j's block for the given seed and tag. */
    public static void blockOf(long seed, int tag, long j, int[] out) {
        long b = j >>> 2;
        block((int) b, (int) (b >>> 32), tag, 0, (int) seed, (int) (seed >>> 32), out);
    }

    /** The uniform float in [lo, hi) from one 32-bit word. */
    public static float uniformFromWord(int w, float lo, float hi) {
        float u = (w >>> 8) * 0x1p-24f;
        float r = lo + (hi - lo) * u;
        return r >= hi ? Math.nextDown(hi) : r;
    }

    /** ln((a + 1)·2^-32) with a unsigned: u1 in (0, 1], never log(0). */
    public static double logU1(int a) {
        long n = (a & 0xFFFFFFFFL) + 1;             // 1 .. 2^32, exact in double
        int e = 63 - Long.numberOfLeadingZeros(n);
        double m = n * Math.scalb(1.0, -e);          // in [1, 2), exact
        if (m > SQRT2) {
            m *= 0.5;
            e++;
        }
        // ln m = 2 atanh(s), s = (m − 1)/(m + 1), |s| <= 0.172: eleven odd terms leave < 1e-17
        double s = (m - 1) / (m + 1), s2 = s * s, t = ATANH[10];
        for (int k = 9; k >= 0; k--) t = t * s2 + ATANH[k];
        return (e - 32) * LN2 + 2 * s * t;
    }

    /**
     * (cos θ, sin θ) for θ = 2π·b·2^-32 (b unsigned) into cs[0], cs[1]. The top two bits of b pick the quadrant,
     * the other 30 give the angle inside it, a = f·π/2 in [0, π/2), where Taylor series to a^21 / a^20 are good
     * to 1e-18.
     */
    public static void sinCos2Pi(int b, double[] cs) {
        int q = b >>> 30;
        double a = (b & 0x3FFFFFFF) * 0x1p-30 * PI_2, a2 = a * a;
        double ts = SIN[10], tc = COS[10];
        for (int k = 9; k >= 0; k--) {
            ts = ts * a2 + SIN[k];
            tc = tc * a2 + COS[k];
        }
        double s = a * ts, c = tc;
        switch (q) {
            case 0: cs[0] = c; cs[1] = s; break;
            case 1: cs[0] = -s; cs[1] = c; break;
            case 2: cs[0] = -c; cs[1] = -s; break;
            default: cs[0] = s; cs[1] = -c; break;
        }
    }

    /** Box–Muller radius sqrt(−2 ln u1) of word a. */
    public static double radius(int a) {
        return Math.sqrt(-2 * logU1(a));
    }

    /**
     * The normal float from a pair's radius r = {@link #radius}(a) and cs = {@link #sinCos2Pi}(b): the cosine
     * branch for even elements, the sine branch for odd ones.
     */
    public static float normalFromPair(double r, double[] cs, boolean odd, float mean, float std) {
        float z = (float) (r * (odd ? cs[1] : cs[0]));
        return mean + std * z;
    }

    /** Element j's uniform number (one block per call: the definition, not the fast path). */
    public static float uniform(long seed, long j, float lo, float hi) {
        int[] x = new int[4];
        blockOf(seed, TAG_UNIFORM, j, x);
        return uniformFromWord(x[(int) (j & 3)], lo, hi);
    }

    /** Element j's normal number (one block per call: the definition, not the fast path). */
    public static float normal(long seed, long j, float mean, float std) {
        int[] x = new int[4];
        blockOf(seed, TAG_NORMAL, j, x);
        int p = (int) (j & 2);
        double[] cs = new double[2];
        sinCos2Pi(x[p + 1], cs);
        return normalFromPair(radius(x[p]), cs, (j & 1) != 0, mean, std);
    }

    public static void checkUniform(long n, long offset, float lo, float hi) {
        checkRange(n, offset, "randomUniform");
        if (!(Float.isFinite(lo) && Float.isFinite(hi) && lo < hi && Float.isFinite(hi - lo)))
            throw new IllegalArgumentException("randomUniform: need finite lo < hi with finite hi - lo, got [" + lo + ", " + hi + ")");
    }

    public static void checkNormal(long n, long offset, float mean, float std) {
        checkRange(n, offset, "randomNormal");
        if (!(Float.isFinite(mean) && Float.isFinite(std) && std >= 0))
            throw new IllegalArgumentException("randomNormal: need finite mean and std >= 0, got mean " + mean + ", std " + std);
    }

    private static void checkRange(long n, long offset, String op) {
        if (n < 0 || offset < 0 || offset > Long.MAX_VALUE - n)
            throw new IllegalArgumentException(op + ": need n >= 0 and 0 <= offset <= 2^63 - 1 - n, got n " + n + ", offset " + offset);
    }
}
