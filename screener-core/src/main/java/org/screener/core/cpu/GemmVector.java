package org.screener.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The blocked GEMM's register tiles with the Vector API: MR rows × NV vectors of C held in registers, one FMA
 * per (row, vector) per k step, NR = NV × (lanes of the preferred species). Loaded only when
 * jdk.incubator.vector is present (see {@link GemmCpu}).
 *
 * <p>Only {@code SPECIES_PREFERRED} is ever used: mixing 256- and 512-bit species in one JVM made C2 compile
 * GEMM 15–30× slower. The tile shape and the cache blocking are chosen from its length ({@link #best}); the
 * other shapes stay here so they can be measured ({@code -Dscreener.gemm.tile=6x2}) and tested.
 */
final class GemmVector {
    private GemmVector() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    /** A register tile shape with its blocking (kc, mc, nc set by the chooser). */
    abstract static class Tile implements GemmCpu.Kernel {
        final int mr, nv, nr;
        int kc = 256, mc, nc;

        Tile(int mr, int nv) {
            this.mr = mr; this.nv = nv; this.nr = nv * L;
            mc = 32 * mr; nc = 16 * nr;
        }

        Tile blocking(int kc, int mc, int nc) {
            if (kc < 1 || mc < 1 || nc < 1)
                throw new IllegalArgumentException("gemm blocking must be positive: kc=" + kc + " mc=" + mc + " nc=" + nc);
            this.kc = kc;
            this.mc = GemmCpu.roundUp(mc, mr);
            this.nc = GemmCpu.roundUp(nc, nr);
            return this;
        }

        @Override public int mr() { return mr; }
        @Override public int nr() { return nr; }
        @Override public int kc() { return kc; }
        @Override public int mc() { return mc; }
        @Override public int nc() { return nc; }
    }

    /** Shapes that exist, "MRxNV". */
    static final String[] SHAPES = {"4x2", "6x2", "8x2", "4x3", "8x1", "12x1", "3x4", "6x3", "8x3", "12x2", "4x4", "5x2"};

    /** A fresh tile of the given shape ("MRxNV", e.g. "6x2") with the default blocking for this width. */
    static Tile of(String shape) {
        Tile t = create(shape);
        return t.blocking(DEFAULT_KC, defaultMc(t), defaultNc(t));
    }

    private static Tile create(String shape) {
        switch (shape) {
            case "4x2": return new K4x2();
            case "6x2": return new K6x2();
            case "8x2": return new K8x2();
            case "4x3": return new K4x3();
            case "8x1": return new K8x1();
            case "12x1": return new K12x1();
            case "3x4": return new K3x4();
            case "6x3": return new K6x3();
            case "8x3": return new K8x3();
            case "12x2": return new K12x2();
            case "4x4": return new K4x4();
            case "5x2": return new K5x2();
            default: throw new IllegalArgumentException("gemm tile '" + shape + "' unknown; have " + String.join(", ", SHAPES));
        }
    }

    private static final int DEFAULT_KC = 256;
    private static int defaultMc(Tile t) { return GemmCpu.roundUp(128, t.mr); }
    private static int defaultNc(Tile t) { return 16 * t.nr; }

    /**
     * The tile shape for a vector width. Measured on JDK 17 C2 (AMD EPYC Zen 4, sgemm 1024³, 1 thread, GFLOP/s;
     * 256-bit with -XX:UseAVX=2, where 16 ymm registers allow at most 13 accumulators + B + broadcast):
     * <pre>
     *   tile   256-bit  512-bit
     *   4x2      76       97
     *   5x2      60        -
     *   6x2      39       89
     *   8x2      44       39
     *   4x3      39       69
     *   8x1      31       74
     *   12x1     50       54
     *   3x4      40        -
     *   6x3       -       46
     *   8x3       -       67
     *   12x2      -       65
     *   4x4       -       55
     * </pre>
     * On both widths 4 × 2 wins: the shapes with more accumulators, which fit the register file on paper
     * (6 × 2 in 15 ymm, 8 × 3 in 28 zmm), are compiled by C2 into code that runs at half speed or worse (with
     * -XX:-UseLoopPredicate 6 × 2 at 256 bits reaches 74, so it is C2's loop optimisations, not the shape).
     * Blocking barely matters once the tile is right: kc 128–512, mc 64–512 and (at 256 bits, 1 and 2 threads)
     * nc 256–1024 stay within noise of kc 256, mc 128, nc 16 × NR at both widths (kc × NR of B = 16 KB at 256 bits, 32 KB at 512 bits, stays in the 32 KB L1d;
     * mc × kc of A = 128 KB in the 1 MB L2).
     */
    static String shapeFor(int lanes) {
        return lanes >= 16 ? "4x2" : "4x2";
    }

    /**
     * The tile AUTO uses, by vector width; -Dscreener.gemm.tile / .kc / .mc / .nc override it for measuring.
     */
    static GemmCpu.Kernel best() {
        String shape = System.getProperty("screener.gemm.tile", shapeFor(L));
        Tile t = of(shape);
        return t.blocking(Integer.getInteger("screener.gemm.kc", t.kc), Integer.getInteger("screener.gemm.mc", t.mc),
                Integer.getInteger("screener.gemm.nc", t.nc));
    }

    static void put(FloatVector v, float alpha, float beta, float[] c, int off) {
        if (alpha != 1f) v = v.mul(alpha);
        if (beta == 1f) v = v.add(FloatVector.fromArray(S, c, off));
        else if (beta != 0f) v = FloatVector.fromArray(S, c, off).mul(beta).add(v);
        v.intoArray(c, off);
    }

    /** 4 rows × 2 vectors: 8 accumulators + 2 B vectors + 1 broadcast. */
    static final class K4x2 extends Tile {
        K4x2() { super(4, 2); }

        @Override public void tile(float[] ap, int aOff, float[] bp, int bOff, int kc, float alpha, float beta,
                                   float[] c, int cOff, int ldc, int rows, int cols) {
            FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
            FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
            FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
            FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int bi = bOff + p * 2 * L, ai = aOff + p * 4;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi + 0 * L);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + 1 * L);
                FloatVector a0 = FloatVector.broadcast(S, ap[ai + 0]);
                c0_0 = b0.fma(a0, c0_0); c0_1 = b1.fma(a0, c0_1);
                FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
                c1_0 = b0.fma(a1, c1_0); c1_1 = b1.fma(a1, c1_1);
                FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
                c2_0 = b0.fma(a2, c2_0); c2_1 = b1.fma(a2, c2_1);
                FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
                c3_0 = b0.fma(a3, c3_0); c3_1 = b1.fma(a3, c3_1);
            }
            if (rows == 4 && cols == 2 * L) {
                put(c0_0, alpha, beta, c, cOff + 0 * ldc + 0 * L);
                put(c0_1, alpha, beta, c, cOff + 0 * ldc + 1 * L);
                put(c1_0, alpha, beta, c, cOff + 1 * ldc + 0 * L);
                put(c1_1, alpha, beta, c, cOff + 1 * ldc + 1 * L);
                put(c2_0, alpha, beta, c, cOff + 2 * ldc + 0 * L);
                put(c2_1, alpha, beta, c, cOff + 2 * ldc + 1 * L);
                put(c3_0, alpha, beta, c, cOff + 3 * ldc + 0 * L);
                put(c3_1, alpha, beta, c, cOff + 3 * ldc + 1 * L);
                return;
            }
            float[] acc = new float[4 * 2 * L];
            c0_0.intoArray(acc, (0 * 2 + 0) * L);
            c0_1.intoArray(acc, (0 * 2 + 1) * L);
            c1_0.intoArray(acc, (1 * 2 + 0) * L);
            c1_1.intoArray(acc, (1 * 2 + 1) * L);
            c2_0.intoArray(acc, (2 * 2 + 0) * L);
            c2_1.intoArray(acc, (2 * 2 + 1) * L);
            c3_0.intoArray(acc, (3 * 2 + 0) * L);
            c3_1.intoArray(acc, (3 * 2 + 1) * L);
            GemmCpu.store(acc, 2 * L, alpha, beta, c, cOff, ldc, rows, cols);
        }
    }

    /** 6 rows × 2 vectors: 12 accumulators + 2 B vectors + 1 broadcast. */
    static final class K6x2 extends Tile {
        K6x2() { super(6, 2); }

        @Override public void tile(float[] ap, int aOff, float[] bp, int bOff, int kc, float alpha, float beta,
                                   float[] c, int cOff, int ldc, int rows, int cols) {
            FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
            FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
            FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
            FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
            FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
            FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int bi = bOff + p * 2 * L, ai = aOff + p * 6;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi + 0 * L);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + 1 * L);
                FloatVector a0 = FloatVector.broadcast(S, ap[ai + 0]);
                c0_0 = b0.fma(a0, c0_0); c0_1 = b1.fma(a0, c0_1);
                FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
                c1_0 = b0.fma(a1, c1_0); c1_1 = b1.fma(a1, c1_1);
                FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
                c2_0 = b0.fma(a2, c2_0); c2_1 = b1.fma(a2, c2_1);
                FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
                c3_0 = b0.fma(a3, c3_0); c3_1 = b1.fma(a3, c3_1);
                FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
                c4_0 = b0.fma(a4, c4_0); c4_1 = b1.fma(a4, c4_1);
                FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
                c5_0 = b0.fma(a5, c5_0); c5_1 = b1.fma(a5, c5_1);
            }
            if (rows == 6 && cols == 2 * L) {
                put(c0_0, alpha, beta, c, cOff + 0 * ldc + 0 * L);
                put(c0_1, alpha, beta, c, cOff + 0 * ldc + 1 * L);
                put(c1_0, alpha, beta, c, cOff + 1 * ldc + 0 * L);
                put(c1_1, alpha, beta, c, cOff + 1 * ldc + 1 * L);
                put(c2_0, alpha, beta, c, cOff + 2 * ldc + 0 * L);
                put(c2_1, alpha, beta, c, cOff + 2 * ldc + 1 * L);
                put(c3_0, alpha, beta, c, cOff + 3 * ldc + 0 * L);
                put(c3_1, alpha, beta, c, cOff + 3 * ldc + 1 * L);
                put(c4_0, alpha, beta, c, cOff + 4 * ldc + 0 * L);
                put(c4_1, alpha, beta, c, cOff + 4 * ldc + 1 * L);
                put(c5_0, alpha, beta, c, cOff + 5 * ldc + 0 * L);
                put(c5_1, alpha, beta, c, cOff + 5 * ldc + 1 * L);
                return;
            }
            float[] acc = new float[6 * 2 * L];
            c0_0.intoArray(acc, (0 * 2 + 0) * L);
            c0_1.intoArray(acc, (0 * 2 + 1) * L);
            c1_0.intoArray(acc, (1 * 2 + 0) * L);
            c1_1.intoArray(acc, (1 * 2 + 1) * L);
            c2_0.intoArray(acc, (2 * 2 + 0) * L);
            c2_1.intoArray(acc, (2 * 2 + 1) * L);
            c3_0.intoArray(acc, (3 * 2 + 0) * L);
            c3_1.intoArray(acc, (3 * 2 + 1) * L);
            c4_0.intoArray(acc, (4 * 2 + 0) * L);
            c4_1.intoArray(acc, (4 * 2 + 1) * L);
            c5_0.intoArray(acc, (5 * 2 + 0) * L);
            c5_1.intoArray(acc, (5 * 2 + 1) * L);
            GemmCpu.store(acc, 2 * L, alpha, beta, c, cOff, ldc, rows, cols);
        }
    }

    /** 8 rows × 2 vectors: 16 accumulators + 2 B vectors + 1 broadcast. */
    static final class K8x2 extends Tile {
        K8x2() { super(8, 2); }

        @Override public void tile(float[] ap, int aOff, float[] bp, int bOff, int kc, float alpha, float beta,
                                   float[] c, int cOff, int ldc, int rows, int cols) {
            FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
            FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
            FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
            FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
            FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
            FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S);
            FloatVector c6_0 = FloatVector.zero(S), c6_1 = FloatVector.zero(S);
            FloatVector c7_0 = FloatVector.zero(S), c7_1 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int bi = bOff + p * 2 * L, ai = aOff + p * 8;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi + 0 * L);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + 1 * L);
                FloatVector a0 = FloatVector.broadcast(S, ap[ai + 0]);
                c0_0 = b0.fma(a0, c0_0); c0_1 = b1.fma(a0, c0_1);
                FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
                c1_0 = b0.fma(a1, c1_0); c1_1 = b1.fma(a1, c1_1);
                FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
                c2_0 = b0.fma(a2, c2_0); c2_1 = b1.fma(a2, c2_1);
                FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
                c3_0 = b0.fma(a3, c3_0); c3_1 = b1.fma(a3, c3_1);
                FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
                c4_0 = b0.fma(a4, c4_0); c4_1 = b1.fma(a4, c4_1);
                FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
                c5_0 = b0.fma(a5, c5_0); c5_1 = b1.fma(a5, c5_1);
                FloatVector a6 = FloatVector.broadcast(S, ap[ai + 6]);
                c6_0 = b0.fma(a6, c6_0); c6_1 = b1.fma(a6, c6_1);
                FloatVector a7 = FloatVector.broadcast(S, ap[ai + 7]);
                c7_0 = b0.fma(a7, c7_0); c7_1 = b1.fma(a7, c7_1);
            }
            if (rows == 8 && cols == 2 * L) {
                put(c0_0, alpha, beta, c, cOff + 0 * ldc + 0 * L);
                put(c0_1, alpha, beta, c, cOff + 0 * ldc + 1 * L);
                put(c1_0, alpha, beta, c, cOff + 1 * ldc + 0 * L);
                put(c1_1, alpha, beta, c, cOff + 1 * ldc + 1 * L);
                put(c2_0, alpha, beta, c, cOff + 2 * ldc + 0 * L);
                put(c2_1, alpha, beta, c, cOff + 2 * ldc + 1 * L);
                put(c3_0, alpha, beta, c, cOff + 3 * ldc + 0 * L);
                put(c3_1, alpha, beta, c, cOff + 3 * ldc + 1 * L);
                put(c4_0, alpha, beta, c, cOff + 4 * ldc + 0 * L);
                put(c4_1, alpha, beta, c, cOff + 4 * ldc + 1 * L);
                put(c5_0, alpha, beta, c, cOff + 5 * ldc + 0 * L);
                put(c5_1, alpha, beta, c, cOff + 5 * ldc + 1 * L);
                put(c6_0, alpha, beta, c, cOff + 6 * ldc + 0 * L);
                put(c6_1, alpha, beta, c, cOff + 6 * ldc + 1 * L);
                put(c7_0, alpha, beta, c, cOff + 7 * ldc + 0 * L);
                put(c7_1, alpha, beta, c, cOff + 7 * ldc + 1 * L);
                return;
            }
            float[] acc = new float[8 * 2 * L];
            c0_0.intoArray(acc, (0 * 2 + 0) * L);
            c0_1.intoArray(acc, (0 * 2 + 1) * L);
            c1_0.intoArray(acc, (1 * 2 + 0) * L);
            c1_1.intoArray(acc, (1 * 2 + 1) * L);
            c2_0.intoArray(acc, (2 * 2 + 0) * L);
            c2_1.intoArray(acc, (2 * 2 + 1) * L);
            c3_0.intoArray(acc, (3 * 2 + 0) * L);
            c3_1.intoArray(acc, (3 * 2 + 1) * L);
            c4_0.intoArray(acc, (4 * 2 + 0) * L);
            c4_1.intoArray(acc, (4 * 2 + 1) * L);
            c5_0.intoArray(acc, (5 * 2 + 0) * L);
            c5_1.intoArray(acc, (5 * 2 + 1) * L);
            c6_0.intoArray(acc, (6 * 2 + 0) * L);
            c6_1.intoArray(acc, (6 * 2 + 1) * L);
            c7_0.intoArray(acc, (7 * 2 + 0) * L);
            c7_1.intoArray(acc, (7 * 2 + 1) * L);
            GemmCpu.store(acc, 2 * L, alpha, beta, c, cOff, ldc, rows, cols);
        }
    }

    /** 4 rows × 3 vectors: 12 accumulators + 3 B vectors + 1 broadcast. */
    static final class K4x3 extends Tile {
        K4x3() { super(4, 3); }

        @Override public void tile(float[] ap, int aOff, float[] bp, int bOff, int kc, float alpha, float beta,
                                   float[] c, int cOff, int ldc, int rows, int cols) {
            FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S), c0_2 = FloatVector.zero(S);
            FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S), c1_2 = FloatVector.zero(S);
            FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S), c2_2 = FloatVector.zero(S);
            FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S), c3_2 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int bi = bOff + p * 3 * L, ai = aOff + p * 4;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi + 0 * L);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + 1 * L);
                FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
                FloatVector a0 = FloatVector.broadcast(S, ap[ai + 0]);
                c0_0 = b0.fma(a0, c0_0); c0_1 = b1.fma(a0, c0_1); c0_2 = b2.fma(a0, c0_2);
                FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
                c1_0 = b0.fma(a1, c1_0); c1_1 = b1.fma(a1, c1_1); c1_2 = b2.fma(a1, c1_2);
                FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
                c2_0 = b0.fma(a2, c2_0); c2_1 = b1.fma(a2, c2_1); c2_2 = b2.fma(a2, c2_2);
                FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
                c3_0 = b0.fma(a3, c3_0); c3_1 = b1.fma(a3, c3_1); c3_2 = b2.fma(a3, c3_2);
            }
            if (rows == 4 && cols == 3 * L) {
                put(c0_0, alpha, beta, c, cOff + 0 * ldc + 0 * L);
                put(c0_1, alpha, beta, c, cOff + 0 * ldc + 1 * L);
                put(c0_2, alpha, beta, c, cOff + 0 * ldc + 2 * L);
                put(c1_0, alpha, beta, c, cOff + 1 * ldc + 0 * L);
                put(c1_1, alpha, beta, c, cOff + 1 * ldc + 1 * L);
                put(c1_2, alpha, beta, c, cOff + 1 * ldc + 2 * L);
                put(c2_0, alpha, beta, c, cOff + 2 * ldc + 0 * L);
                put(c2_1, alpha, beta, c, cOff + 2 * ldc + 1 * L);
                put(c2_2, alpha, beta, c, cOff + 2 * ldc + 2 * L);
                put(c3_0, alpha, beta, c, cOff + 3 * ldc + 0 * L);
                put(c3_1, alpha, beta, c, cOff + 3 * ldc + 1 * L);
                put(c3_2, alpha, beta, c, cOff + 3 * ldc + 2 * L);
                return;
            }
            float[] acc = new float[4 * 3 * L];
            c0_0.intoArray(acc, (0 * 3 + 0) * L);
            c0_1.intoArray(acc, (0 * 3 + 1) * L);
            c0_2.intoArray(acc, (0 * 3 + 2) * L);
            c1_0.intoArray(acc, (1 * 3 + 0) * L);
            c1_1.intoArray(acc, (1 * 3 + 1) * L);
            c1_2.intoArray(acc, (1 * 3 + 2) * L);
            c2_0.intoArray(acc, (2 * 3 + 0) * L);
            c2_1.intoArray(acc, (2 * 3 + 1) * L);
            c2_2.intoArray(acc, (2 * 3 + 2) * L);
            c3_0.intoArray(acc, (3 * 3 + 0) * L);
            c3_1.intoArray(acc, (3 * 3 + 1) * L);
            c3_2.intoArray(acc, (3 * 3 + 2) * L);
            GemmCpu.store(acc, 3 * L, alpha, beta, c, cOff, ldc, rows, cols);
        }
    }

    /** 8 rows × 1 vectors: 8 accumulators + 1 B vectors + 1 broadcast. */
    static final class K8x1 extends Tile {
        K8x1() { super(8, 1); }

        @Override public void tile(float[] ap, int aOff, float[] bp, int bOff, int kc, float alpha, float beta,
                                   float[] c, int cOff, int ldc, int rows, int cols) {
            FloatVector c0_0 = FloatVector.zero(S);
            FloatVector c1_0 = FloatVector.zero(S);
            FloatVector c2_0 = FloatVector.zero(S);
            FloatVector c3_0 = FloatVector.zero(S);
            FloatVector c4_0 = FloatVector.zero(S);
            FloatVector c5_0 = FloatVector.zero(S);
            FloatVector c6_0 = FloatVector.zero(S);
            FloatVector c7_0 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int bi = bOff + p * 1 * L, ai = aOff + p * 8;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi + 0 * L);
                FloatVector a0 = FloatVector.broadcast(S, ap[ai + 0]);
                c0_0 = b0.fma(a0, c0_0);
                FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
                c1_0 = b0.fma(a1, c1_0);
                FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
                c2_0 = b0.fma(a2, c2_0);
                FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
                c3_0 = b0.fma(a3, c3_0);
                FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
                c4_0 = b0.fma(a4, c4_0);
                FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
                c5_0 = b0.fma(a5, c5_0);
                FloatVector a6 = FloatVector.broadcast(S, ap[ai + 6]);
                c6_0 = b0.fma(a6, c6_0);
                FloatVector a7 = FloatVector.broadcast(S, ap[ai + 7]);
                c7_0 = b0.fma(a7, c7_0);
            }
            if (rows == 8 && cols == 1 * L) {
                put(c0_0, alpha, beta, c, cOff + 0 * ldc + 0 * L);
                put(c1_0, alpha, beta, c, cOff + 1 * ldc + 0 * L);
                put(c2_0, alpha, beta, c, cOff + 2 * ldc + 0 * L);
                put(c3_0, alpha, beta, c, cOff + 3 * ldc + 0 * L);
                put(c4_0, alpha, beta, c, cOff + 4 * ldc + 0 * L);
                put(c5_0, alpha, beta, c, cOff + 5 * ldc + 0 * L);
                put(c6_0, alpha, beta, c, cOff + 6 * ldc + 0 * L);
                put(c7_0, alpha, beta, c, cOff + 7 * ldc + 0 * L);
                return;
            }
            float[] acc = new float[8 * 1 * L];
            c0_0.intoArray(acc, (0 * 1 + 0) * L);
            c1_0.intoArray(acc, (1 * 1 + 0) * L);
            c2_0.intoArray(acc, (2 * 1 + 0) * L);
            c3_0.intoArray(acc, (3 * 1 + 0) * L);
            c4_0.intoArray(acc, (4 * 1 + 0) * L);
            c5_0.intoArray(acc, (5 * 1 + 0) * L);
            c6_0.intoArray(acc, (6 * 1 + 0) * L);
            c7_0.intoArray(acc, (7 * 1 + 0) * L);
            GemmCpu.store(acc, 1 * L, alpha, beta, c, cOff, ldc, rows, cols);
        }
    }

    /** 12 rows × 1 vectors: 12 accumulators + 1 B vectors + 1 broadcast. */
    static final class K12x1 extends Tile {
        K12x1() { super(12, 1); }

        @Override public void tile(float[] ap, int aOff, float[] bp, int bOff, int kc, float alpha, float beta,
                                   float[] c, int cOff, int ldc, int rows, int cols) {
            FloatVector c0_0 = FloatVector.zero(S);
            FloatVector c1_0 = FloatVector.zero(S);
            FloatVector c2_0 = FloatVector.zero(S);
            FloatVector c3_0 = FloatVector.zero(S);
            FloatVector c4_0 = FloatVector.zero(S);
            FloatVector c5_0 = FloatVector.zero(S);
            FloatVector c6_0 = FloatVector.zero(S);
            FloatVector c7_0 = FloatVector.zero(S);
            FloatVector c8_0 = FloatVector.zero(S);
            FloatVector c9_0 = FloatVector.zero(S);
            FloatVector c10_0 = FloatVector.zero(S);
            FloatVector c11_0 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int bi = bOff + p * 1 * L, ai = aOff + p * 12;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi + 0 * L);
                FloatVector a0 = FloatVector.broadcast(S, ap[ai + 0]);
                c0_0 = b0.fma(a0, c0_0);
                FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
                c1_0 = b0.fma(a1, c1_0);
                FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
                c2_0 = b0.fma(a2, c2_0);
                FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
                c3_0 = b0.fma(a3, c3_0);
                FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
                c4_0 = b0.fma(a4, c4_0);
                FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
                c5_0 = b0.fma(a5, c5_0);
                FloatVector a6 = FloatVector.broadcast(S, ap[ai + 6]);
                c6_0 = b0.fma(a6, c6_0);
                FloatVector a7 = FloatVector.broadcast(S, ap[ai + 7]);
                c7_0 = b0.fma(a7, c7_0);
                FloatVector a8 = FloatVector.broadcast(S, ap[ai + 8]);
                c8_0 = b0.fma(a8, c8_0);
                FloatVector a9 = FloatVector.broadcast(S, ap[ai + 9]);
                c9_0 = b0.fma(a9, c9_0);
                FloatVector a10 = FloatVector.broadcast(S, ap[ai + 10]);
                c10_0 = b0.fma(a10, c10_0);
                FloatVector a11 = FloatVector.broadcast(S, ap[ai + 11]);
                c11_0 = b0.fma(a11, c11_0);
            }
            if (rows == 12 && cols == 1 * L) {
                put(c0_0, alpha, beta, c, cOff + 0 * ldc + 0 * L);
                put(c1_0, alpha, beta, c, cOff + 1 * ldc + 0 * L);
                put(c2_0, alpha, beta, c, cOff + 2 * ldc + 0 * L);
                put(c3_0, alpha, beta, c, cOff + 3 * ldc + 0 * L);
                put(c4_0, alpha, beta, c, cOff + 4 * ldc + 0 * L);
                put(c5_0, alpha, beta, c, cOff + 5 * ldc + 0 * L);
                put(c6_0, alpha, beta, c, cOff + 6 * ldc + 0 * L);
                put(c7_0, alpha, beta, c, cOff + 7 * ldc + 0 * L);
                put(c8_0, alpha, beta, c, cOff + 8 * ldc + 0 * L);
                put(c9_0, alpha, beta, c, cOff + 9 * ldc + 0 * L);
                put(c10_0, alpha, beta, c, cOff + 10 * ldc + 0 * L);
                put(c11_0, alpha, beta, c, cOff + 11 * ldc + 0 * L);
                return;
            }
            float[] acc = new float[12 * 1 * L];
            c0_0.intoArray(acc, (0 * 1 + 0) * L);
            c1_0.intoArray(acc, (1 * 1 + 0) * L);
            c2_0.intoArray(acc, (2 * 1 + 0) * L);
            c3_0.intoArray(acc, (3 * 1 + 0) * L);
            c4_0.intoArray(acc, (4 * 1 + 0) * L);
            c5_0.intoArray(acc, (5 * 1 + 0) * L);
            c6_0.intoArray(acc, (6 * 1 + 0) * L);
            c7_0.intoArray(acc, (7 * 1 + 0) * L);
            c8_0.intoArray(acc, (8 * 1 + 0) * L);
            c9_0.intoArray(acc, (9 * 1 + 0) * L);
            c10_0.intoArray(acc, (10 * 1 + 0) * L);
            c11_0.intoArray(acc, (11 * 1 + 0) * L);
            GemmCpu.store(acc, 1 * L, alpha, beta, c, cOff, ldc, rows, cols);
        }
    }

    /** 3 rows × 4 vectors: 12 accumulators + 4 B vectors + 1 broadcast. */
    static final class K3x4 extends Tile {
        K3x4() { super(3, 4); }

        @Override public void tile(float[] ap, int aOff, float[] bp, int bOff, int kc, float alpha, float beta,
                                   float[] c, int cOff, int ldc, int rows, int cols) {
            FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S), c0_2 = FloatVector.zero(S), c0_3 = FloatVector.zero(S);
            FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S), c1_2 = FloatVector.zero(S), c1_3 = FloatVector.zero(S);
            FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S), c2_2 = FloatVector.zero(S), c2_3 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int bi = bOff + p * 4 * L, ai = aOff + p * 3;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi + 0 * L);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + 1 * L);
                FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
                FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * L);
                FloatVector a0 = FloatVector.broadcast(S, ap[ai + 0]);
                c0_0 = b0.fma(a0, c0_0); c0_1 = b1.fma(a0, c0_1); c0_2 = b2.fma(a0, c0_2); c0_3 = b3.fma(a0, c0_3);
                FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
                c1_0 = b0.fma(a1, c1_0); c1_1 = b1.fma(a1, c1_1); c1_2 = b2.fma(a1, c1_2); c1_3 = b3.fma(a1, c1_3);
                FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
                c2_0 = b0.fma(a2, c2_0); c2_1 = b1.fma(a2, c2_1); c2_2 = b2.fma(a2, c2_2); c2_3 = b3.fma(a2, c2_3);
            }
            if (rows == 3 && cols == 4 * L) {
                put(c0_0, alpha, beta, c, cOff + 0 * ldc + 0 * L);
                put(c0_1, alpha, beta, c, cOff + 0 * ldc + 1 * L);
                put(c0_2, alpha, beta, c, cOff + 0 * ldc + 2 * L);
                put(c0_3, alpha, beta, c, cOff + 0 * ldc + 3 * L);
                put(c1_0, alpha, beta, c, cOff + 1 * ldc + 0 * L);
                put(c1_1, alpha, beta, c, cOff + 1 * ldc + 1 * L);
                put(c1_2, alpha, beta, c, cOff + 1 * ldc + 2 * L);
                put(c1_3, alpha, beta, c, cOff + 1 * ldc + 3 * L);
                put(c2_0, alpha, beta, c, cOff + 2 * ldc + 0 * L);
                put(c2_1, alpha, beta, c, cOff + 2 * ldc + 1 * L);
                put(c2_2, alpha, beta, c, cOff + 2 * ldc + 2 * L);
                put(c2_3, alpha, beta, c, cOff + 2 * ldc + 3 * L);
                return;
            }
            float[] acc = new float[3 * 4 * L];
            c0_0.intoArray(acc, (0 * 4 + 0) * L);
            c0_1.intoArray(acc, (0 * 4 + 1) * L);
            c0_2.intoArray(acc, (0 * 4 + 2) * L);
            c0_3.intoArray(acc, (0 * 4 + 3) * L);
            c1_0.intoArray(acc, (1 * 4 + 0) * L);
            c1_1.intoArray(acc, (1 * 4 + 1) * L);
            c1_2.intoArray(acc, (1 * 4 + 2) * L);
            c1_3.intoArray(acc, (1 * 4 + 3) * L);
            c2_0.intoArray(acc, (2 * 4 + 0) * L);
            c2_1.intoArray(acc, (2 * 4 + 1) * L);
            c2_2.intoArray(acc, (2 * 4 + 2) * L);
            c2_3.intoArray(acc, (2 * 4 + 3) * L);
            GemmCpu.store(acc, 4 * L, alpha, beta, c, cOff, ldc, rows, cols);
        }
    }

    /** 6 rows × 3 vectors: 18 accumulators + 3 B vectors + 1 broadcast. */
    static final class K6x3 extends Tile {
        K6x3() { super(6, 3); }

        @Override public void tile(float[] ap, int aOff, float[] bp, int bOff, int kc, float alpha, float beta,
                                   float[] c, int cOff, int ldc, int rows, int cols) {
            FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S), c0_2 = FloatVector.zero(S);
            FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S), c1_2 = FloatVector.zero(S);
            FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S), c2_2 = FloatVector.zero(S);
            FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S), c3_2 = FloatVector.zero(S);
            FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S), c4_2 = FloatVector.zero(S);
            FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S), c5_2 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int bi = bOff + p * 3 * L, ai = aOff + p * 6;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi + 0 * L);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + 1 * L);
                FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
                FloatVector a0 = FloatVector.broadcast(S, ap[ai + 0]);
                c0_0 = b0.fma(a0, c0_0); c0_1 = b1.fma(a0, c0_1); c0_2 = b2.fma(a0, c0_2);
                FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
                c1_0 = b0.fma(a1, c1_0); c1_1 = b1.fma(a1, c1_1); c1_2 = b2.fma(a1, c1_2);
                FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
                c2_0 = b0.fma(a2, c2_0); c2_1 = b1.fma(a2, c2_1); c2_2 = b2.fma(a2, c2_2);
                FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
                c3_0 = b0.fma(a3, c3_0); c3_1 = b1.fma(a3, c3_1); c3_2 = b2.fma(a3, c3_2);
                FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
                c4_0 = b0.fma(a4, c4_0); c4_1 = b1.fma(a4, c4_1); c4_2 = b2.fma(a4, c4_2);
                FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
                c5_0 = b0.fma(a5, c5_0); c5_1 = b1.fma(a5, c5_1); c5_2 = b2.fma(a5, c5_2);
            }
            if (rows == 6 && cols == 3 * L) {
                put(c0_0, alpha, beta, c, cOff + 0 * ldc + 0 * L);
                put(c0_1, alpha, beta, c, cOff + 0 * ldc + 1 * L);
                put(c0_2, alpha, beta, c, cOff + 0 * ldc + 2 * L);
                put(c1_0, alpha, beta, c, cOff + 1 * ldc + 0 * L);
                put(c1_1, alpha, beta, c, cOff + 1 * ldc + 1 * L);
                put(c1_2, alpha, beta, c, cOff + 1 * ldc + 2 * L);
                put(c2_0, alpha, beta, c, cOff + 2 * ldc + 0 * L);
                put(c2_1, alpha, beta, c, cOff + 2 * ldc + 1 * L);
                put(c2_2, alpha, beta, c, cOff + 2 * ldc + 2 * L);
                put(c3_0, alpha, beta, c, cOff + 3 * ldc + 0 * L);
                put(c3_1, alpha, beta, c, cOff + 3 * ldc + 1 * L);
                put(c3_2, alpha, beta, c, cOff + 3 * ldc + 2 * L);
                put(c4_0, alpha, beta, c, cOff + 4 * ldc + 0 * L);
                put(c4_1, alpha, beta, c, cOff + 4 * ldc + 1 * L);
                put(c4_2, alpha, beta, c, cOff + 4 * ldc + 2 * L);
                put(c5_0, alpha, beta, c, cOff + 5 * ldc + 0 * L);
                put(c5_1, alpha, beta, c, cOff + 5 * ldc + 1 * L);
                put(c5_2, alpha, beta, c, cOff + 5 * ldc + 2 * L);
                return;
            }
            float[] acc = new float[6 * 3 * L];
            c0_0.intoArray(acc, (0 * 3 + 0) * L);
            c0_1.intoArray(acc, (0 * 3 + 1) * L);
            c0_2.intoArray(acc, (0 * 3 + 2) * L);
            c1_0.intoArray(acc, (1 * 3 + 0) * L);
            c1_1.intoArray(acc, (1 * 3 + 1) * L);
            c1_2.intoArray(acc, (1 * 3 + 2) * L);
            c2_0.intoArray(acc, (2 * 3 + 0) * L);
            c2_1.intoArray(acc, (2 * 3 + 1) * L);
            c2_2.intoArray(acc, (2 * 3 + 2) * L);
            c3_0.intoArray(acc, (3 * 3 + 0) * L);
            c3_1.intoArray(acc, (3 * 3 + 1) * L);
            c3_2.intoArray(acc, (3 * 3 + 2) * L);
            c4_0.intoArray(acc, (4 * 3 + 0) * L);
            c4_1.intoArray(acc, (4 * 3 + 1) * L);
            c4_2.intoArray(acc, (4 * 3 + 2) * L);
            c5_0.intoArray(acc, (5 * 3 + 0) * L);
            c5_1.intoArray(acc, (5 * 3 + 1) * L);
            c5_2.intoArray(acc, (5 * 3 + 2) * L);
            GemmCpu.store(acc, 3 * L, alpha, beta, c, cOff, ldc, rows, cols);
        }
    }

    /** 8 rows × 3 vectors: 24 accumulators + 3 B vectors + 1 broadcast. */
    static final class K8x3 extends Tile {
        K8x3() { super(8, 3); }

        @Override public void tile(float[] ap, int aOff, float[] bp, int bOff, int kc, float alpha, float beta,
                                   float[] c, int cOff, int ldc, int rows, int cols) {
            FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S), c0_2 = FloatVector.zero(S);
            FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S), c1_2 = FloatVector.zero(S);
            FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S), c2_2 = FloatVector.zero(S);
            FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S), c3_2 = FloatVector.zero(S);
            FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S), c4_2 = FloatVector.zero(S);
            FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S), c5_2 = FloatVector.zero(S);
            FloatVector c6_0 = FloatVector.zero(S), c6_1 = FloatVector.zero(S), c6_2 = FloatVector.zero(S);
            FloatVector c7_0 = FloatVector.zero(S), c7_1 = FloatVector.zero(S), c7_2 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int bi = bOff + p * 3 * L, ai = aOff + p * 8;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi + 0 * L);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + 1 * L);
                FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
                FloatVector a0 = FloatVector.broadcast(S, ap[ai + 0]);
                c0_0 = b0.fma(a0, c0_0); c0_1 = b1.fma(a0, c0_1); c0_2 = b2.fma(a0, c0_2);
                FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
                c1_0 = b0.fma(a1, c1_0); c1_1 = b1.fma(a1, c1_1); c1_2 = b2.fma(a1, c1_2);
                FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
                c2_0 = b0.fma(a2, c2_0); c2_1 = b1.fma(a2, c2_1); c2_2 = b2.fma(a2, c2_2);
                FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
                c3_0 = b0.fma(a3, c3_0); c3_1 = b1.fma(a3, c3_1); c3_2 = b2.fma(a3, c3_2);
                FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
                c4_0 = b0.fma(a4, c4_0); c4_1 = b1.fma(a4, c4_1); c4_2 = b2.fma(a4, c4_2);
                FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
                c5_0 = b0.fma(a5, c5_0); c5_1 = b1.fma(a5, c5_1); c5_2 = b2.fma(a5, c5_2);
                FloatVector a6 = FloatVector.broadcast(S, ap[ai + 6]);
                c6_0 = b0.fma(a6, c6_0); c6_1 = b1.fma(a6, c6_1); c6_2 = b2.fma(a6, c6_2);
                FloatVector a7 = FloatVector.broadcast(S, ap[ai + 7]);
                c7_0 = b0.fma(a7, c7_0); c7_1 = b1.fma(a7, c7_1); c7_2 = b2.fma(a7, c7_2);
            }
            if (rows == 8 && cols == 3 * L) {
                put(c0_0, alpha, beta, c, cOff + 0 * ldc + 0 * L);
                put(c0_1, alpha, beta, c, cOff + 0 * ldc + 1 * L);
                put(c0_2, alpha, beta, c, cOff + 0 * ldc + 2 * L);
                put(c1_0, alpha, beta, c, cOff + 1 * ldc + 0 * L);
                put(c1_1, alpha, beta, c, cOff + 1 * ldc + 1 * L);
                put(c1_2, alpha, beta, c, cOff + 1 * ldc + 2 * L);
                put(c2_0, alpha, beta, c, cOff + 2 * ldc + 0 * L);
                put(c2_1, alpha, beta, c, cOff + 2 * ldc + 1 * L);
                put(c2_2, alpha, beta, c, cOff + 2 * ldc + 2 * L);
                put(c3_0, alpha, beta, c, cOff + 3 * ldc + 0 * L);
                put(c3_1, alpha, beta, c, cOff + 3 * ldc + 1 * L);
                put(c3_2, alpha, beta, c, cOff + 3 * ldc + 2 * L);
                put(c4_0, alpha, beta, c, cOff + 4 * ldc + 0 * L);
                put(c4_1, alpha, beta, c, cOff + 4 * ldc + 1 * L);
                put(c4_2, alpha, beta, c, cOff + 4 * ldc + 2 * L);
                put(c5_0, alpha, beta, c, cOff + 5 * ldc + 0 * L);
                put(c5_1, alpha, beta, c, cOff + 5 * ldc + 1 * L);
                put(c5_2, alpha, beta, c, cOff + 5 * ldc + 2 * L);
                put(c6_0, alpha, beta, c, cOff + 6 * ldc + 0 * L);
                put(c6_1, alpha, beta, c, cOff + 6 * ldc + 1 * L);
                put(c6_2, alpha, beta, c, cOff + 6 * ldc + 2 * L);
                put(c7_0, alpha, beta, c, cOff + 7 * ldc + 0 * L);
                put(c7_1, alpha, beta, c, cOff + 7 * ldc + 1 * L);
                put(c7_2, alpha, beta, c, cOff + 7 * ldc + 2 * L);
                return;
            }
            float[] acc = new float[8 * 3 * L];
            c0_0.intoArray(acc, (0 * 3 + 0) * L);
            c0_1.intoArray(acc, (0 * 3 + 1) * L);
            c0_2.intoArray(acc, (0 * 3 + 2) * L);
            c1_0.intoArray(acc, (1 * 3 + 0) * L);
            c1_1.intoArray(acc, (1 * 3 + 1) * L);
            c1_2.intoArray(acc, (1 * 3 + 2) * L);
            c2_0.intoArray(acc, (2 * 3 + 0) * L);
            c2_1.intoArray(acc, (2 * 3 + 1) * L);
            c2_2.intoArray(acc, (2 * 3 + 2) * L);
            c3_0.intoArray(acc, (3 * 3 + 0) * L);
            c3_1.intoArray(acc, (3 * 3 + 1) * L);
            c3_2.intoArray(acc, (3 * 3 + 2) * L);
            c4_0.intoArray(acc, (4 * 3 + 0) * L);
            c4_1.intoArray(acc, (4 * 3 + 1) * L);
            c4_2.intoArray(acc, (4 * 3 + 2) * L);
            c5_0.intoArray(acc, (5 * 3 + 0) * L);
            c5_1.intoArray(acc, (5 * 3 + 1) * L);
            c5_2.intoArray(acc, (5 * 3 + 2) * L);
            c6_0.intoArray(acc, (6 * 3 + 0) * L);
            c6_1.intoArray(acc, (6 * 3 + 1) * L);
            c6_2.intoArray(acc, (6 * 3 + 2) * L);
            c7_0.intoArray(acc, (7 * 3 + 0) * L);
            c7_1.intoArray(acc, (7 * 3 + 1) * L);
            c7_2.intoArray(acc, (7 * 3 + 2) * L);
            GemmCpu.store(acc, 3 * L, alpha, beta, c, cOff, ldc, rows, cols);
        }
    }

    /** 12 rows × 2 vectors: 24 accumulators + 2 B vectors + 1 broadcast. */
    static final class K12x2 extends Tile {
        K12x2() { super(12, 2); }

        @Override public void tile(float[] ap, int aOff, float[] bp, int bOff, int kc, float alpha, float beta,
                                   float[] c, int cOff, int ldc, int rows, int cols) {
            FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
            FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
            FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
            FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
            FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
            FloatVector c5_0 = FloatVector.zero(S), c5_1 = FloatVector.zero(S);
            FloatVector c6_0 = FloatVector.zero(S), c6_1 = FloatVector.zero(S);
            FloatVector c7_0 = FloatVector.zero(S), c7_1 = FloatVector.zero(S);
            FloatVector c8_0 = FloatVector.zero(S), c8_1 = FloatVector.zero(S);
            FloatVector c9_0 = FloatVector.zero(S), c9_1 = FloatVector.zero(S);
            FloatVector c10_0 = FloatVector.zero(S), c10_1 = FloatVector.zero(S);
            FloatVector c11_0 = FloatVector.zero(S), c11_1 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int bi = bOff + p * 2 * L, ai = aOff + p * 12;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi + 0 * L);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + 1 * L);
                FloatVector a0 = FloatVector.broadcast(S, ap[ai + 0]);
                c0_0 = b0.fma(a0, c0_0); c0_1 = b1.fma(a0, c0_1);
                FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
                c1_0 = b0.fma(a1, c1_0); c1_1 = b1.fma(a1, c1_1);
                FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
                c2_0 = b0.fma(a2, c2_0); c2_1 = b1.fma(a2, c2_1);
                FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
                c3_0 = b0.fma(a3, c3_0); c3_1 = b1.fma(a3, c3_1);
                FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
                c4_0 = b0.fma(a4, c4_0); c4_1 = b1.fma(a4, c4_1);
                FloatVector a5 = FloatVector.broadcast(S, ap[ai + 5]);
                c5_0 = b0.fma(a5, c5_0); c5_1 = b1.fma(a5, c5_1);
                FloatVector a6 = FloatVector.broadcast(S, ap[ai + 6]);
                c6_0 = b0.fma(a6, c6_0); c6_1 = b1.fma(a6, c6_1);
                FloatVector a7 = FloatVector.broadcast(S, ap[ai + 7]);
                c7_0 = b0.fma(a7, c7_0); c7_1 = b1.fma(a7, c7_1);
                FloatVector a8 = FloatVector.broadcast(S, ap[ai + 8]);
                c8_0 = b0.fma(a8, c8_0); c8_1 = b1.fma(a8, c8_1);
                FloatVector a9 = FloatVector.broadcast(S, ap[ai + 9]);
                c9_0 = b0.fma(a9, c9_0); c9_1 = b1.fma(a9, c9_1);
                FloatVector a10 = FloatVector.broadcast(S, ap[ai + 10]);
                c10_0 = b0.fma(a10, c10_0); c10_1 = b1.fma(a10, c10_1);
                FloatVector a11 = FloatVector.broadcast(S, ap[ai + 11]);
                c11_0 = b0.fma(a11, c11_0); c11_1 = b1.fma(a11, c11_1);
            }
            if (rows == 12 && cols == 2 * L) {
                put(c0_0, alpha, beta, c, cOff + 0 * ldc + 0 * L);
                put(c0_1, alpha, beta, c, cOff + 0 * ldc + 1 * L);
                put(c1_0, alpha, beta, c, cOff + 1 * ldc + 0 * L);
                put(c1_1, alpha, beta, c, cOff + 1 * ldc + 1 * L);
                put(c2_0, alpha, beta, c, cOff + 2 * ldc + 0 * L);
                put(c2_1, alpha, beta, c, cOff + 2 * ldc + 1 * L);
                put(c3_0, alpha, beta, c, cOff + 3 * ldc + 0 * L);
                put(c3_1, alpha, beta, c, cOff + 3 * ldc + 1 * L);
                put(c4_0, alpha, beta, c, cOff + 4 * ldc + 0 * L);
                put(c4_1, alpha, beta, c, cOff + 4 * ldc + 1 * L);
                put(c5_0, alpha, beta, c, cOff + 5 * ldc + 0 * L);
                put(c5_1, alpha, beta, c, cOff + 5 * ldc + 1 * L);
                put(c6_0, alpha, beta, c, cOff + 6 * ldc + 0 * L);
                put(c6_1, alpha, beta, c, cOff + 6 * ldc + 1 * L);
                put(c7_0, alpha, beta, c, cOff + 7 * ldc + 0 * L);
                put(c7_1, alpha, beta, c, cOff + 7 * ldc + 1 * L);
                put(c8_0, alpha, beta, c, cOff + 8 * ldc + 0 * L);
                put(c8_1, alpha, beta, c, cOff + 8 * ldc + 1 * L);
                put(c9_0, alpha, beta, c, cOff + 9 * ldc + 0 * L);
                put(c9_1, alpha, beta, c, cOff + 9 * ldc + 1 * L);
                put(c10_0, alpha, beta, c, cOff + 10 * ldc + 0 * L);
                put(c10_1, alpha, beta, c, cOff + 10 * ldc + 1 * L);
                put(c11_0, alpha, beta, c, cOff + 11 * ldc + 0 * L);
                put(c11_1, alpha, beta, c, cOff + 11 * ldc + 1 * L);
                return;
            }
            float[] acc = new float[12 * 2 * L];
            c0_0.intoArray(acc, (0 * 2 + 0) * L);
            c0_1.intoArray(acc, (0 * 2 + 1) * L);
            c1_0.intoArray(acc, (1 * 2 + 0) * L);
            c1_1.intoArray(acc, (1 * 2 + 1) * L);
            c2_0.intoArray(acc, (2 * 2 + 0) * L);
            c2_1.intoArray(acc, (2 * 2 + 1) * L);
            c3_0.intoArray(acc, (3 * 2 + 0) * L);
            c3_1.intoArray(acc, (3 * 2 + 1) * L);
            c4_0.intoArray(acc, (4 * 2 + 0) * L);
            c4_1.intoArray(acc, (4 * 2 + 1) * L);
            c5_0.intoArray(acc, (5 * 2 + 0) * L);
            c5_1.intoArray(acc, (5 * 2 + 1) * L);
            c6_0.intoArray(acc, (6 * 2 + 0) * L);
            c6_1.intoArray(acc, (6 * 2 + 1) * L);
            c7_0.intoArray(acc, (7 * 2 + 0) * L);
            c7_1.intoArray(acc, (7 * 2 + 1) * L);
            c8_0.intoArray(acc, (8 * 2 + 0) * L);
            c8_1.intoArray(acc, (8 * 2 + 1) * L);
            c9_0.intoArray(acc, (9 * 2 + 0) * L);
            c9_1.intoArray(acc, (9 * 2 + 1) * L);
            c10_0.intoArray(acc, (10 * 2 + 0) * L);
            c10_1.intoArray(acc, (10 * 2 + 1) * L);
            c11_0.intoArray(acc, (11 * 2 + 0) * L);
            c11_1.intoArray(acc, (11 * 2 + 1) * L);
            GemmCpu.store(acc, 2 * L, alpha, beta, c, cOff, ldc, rows, cols);
        }
    }

    /** 4 rows × 4 vectors: 16 accumulators + 4 B vectors + 1 broadcast. */
    static final class K4x4 extends Tile {
        K4x4() { super(4, 4); }

        @Override public void tile(float[] ap, int aOff, float[] bp, int bOff, int kc, float alpha, float beta,
                                   float[] c, int cOff, int ldc, int rows, int cols) {
            FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S), c0_2 = FloatVector.zero(S), c0_3 = FloatVector.zero(S);
            FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S), c1_2 = FloatVector.zero(S), c1_3 = FloatVector.zero(S);
            FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S), c2_2 = FloatVector.zero(S), c2_3 = FloatVector.zero(S);
            FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S), c3_2 = FloatVector.zero(S), c3_3 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int bi = bOff + p * 4 * L, ai = aOff + p * 4;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi + 0 * L);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + 1 * L);
                FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
                FloatVector b3 = FloatVector.fromArray(S, bp, bi + 3 * L);
                FloatVector a0 = FloatVector.broadcast(S, ap[ai + 0]);
                c0_0 = b0.fma(a0, c0_0); c0_1 = b1.fma(a0, c0_1); c0_2 = b2.fma(a0, c0_2); c0_3 = b3.fma(a0, c0_3);
                FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
                c1_0 = b0.fma(a1, c1_0); c1_1 = b1.fma(a1, c1_1); c1_2 = b2.fma(a1, c1_2); c1_3 = b3.fma(a1, c1_3);
                FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
                c2_0 = b0.fma(a2, c2_0); c2_1 = b1.fma(a2, c2_1); c2_2 = b2.fma(a2, c2_2); c2_3 = b3.fma(a2, c2_3);
                FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
                c3_0 = b0.fma(a3, c3_0); c3_1 = b1.fma(a3, c3_1); c3_2 = b2.fma(a3, c3_2); c3_3 = b3.fma(a3, c3_3);
            }
            if (rows == 4 && cols == 4 * L) {
                put(c0_0, alpha, beta, c, cOff + 0 * ldc + 0 * L);
                put(c0_1, alpha, beta, c, cOff + 0 * ldc + 1 * L);
                put(c0_2, alpha, beta, c, cOff + 0 * ldc + 2 * L);
                put(c0_3, alpha, beta, c, cOff + 0 * ldc + 3 * L);
                put(c1_0, alpha, beta, c, cOff + 1 * ldc + 0 * L);
                put(c1_1, alpha, beta, c, cOff + 1 * ldc + 1 * L);
                put(c1_2, alpha, beta, c, cOff + 1 * ldc + 2 * L);
                put(c1_3, alpha, beta, c, cOff + 1 * ldc + 3 * L);
                put(c2_0, alpha, beta, c, cOff + 2 * ldc + 0 * L);
                put(c2_1, alpha, beta, c, cOff + 2 * ldc + 1 * L);
                put(c2_2, alpha, beta, c, cOff + 2 * ldc + 2 * L);
                put(c2_3, alpha, beta, c, cOff + 2 * ldc + 3 * L);
                put(c3_0, alpha, beta, c, cOff + 3 * ldc + 0 * L);
                put(c3_1, alpha, beta, c, cOff + 3 * ldc + 1 * L);
                put(c3_2, alpha, beta, c, cOff + 3 * ldc + 2 * L);
                put(c3_3, alpha, beta, c, cOff + 3 * ldc + 3 * L);
                return;
            }
            float[] acc = new float[4 * 4 * L];
            c0_0.intoArray(acc, (0 * 4 + 0) * L);
            c0_1.intoArray(acc, (0 * 4 + 1) * L);
            c0_2.intoArray(acc, (0 * 4 + 2) * L);
            c0_3.intoArray(acc, (0 * 4 + 3) * L);
            c1_0.intoArray(acc, (1 * 4 + 0) * L);
            c1_1.intoArray(acc, (1 * 4 + 1) * L);
            c1_2.intoArray(acc, (1 * 4 + 2) * L);
            c1_3.intoArray(acc, (1 * 4 + 3) * L);
            c2_0.intoArray(acc, (2 * 4 + 0) * L);
            c2_1.intoArray(acc, (2 * 4 + 1) * L);
            c2_2.intoArray(acc, (2 * 4 + 2) * L);
            c2_3.intoArray(acc, (2 * 4 + 3) * L);
            c3_0.intoArray(acc, (3 * 4 + 0) * L);
            c3_1.intoArray(acc, (3 * 4 + 1) * L);
            c3_2.intoArray(acc, (3 * 4 + 2) * L);
            c3_3.intoArray(acc, (3 * 4 + 3) * L);
            GemmCpu.store(acc, 4 * L, alpha, beta, c, cOff, ldc, rows, cols);
        }
    }

    /** 5 rows × 2 vectors: 10 accumulators + 2 B vectors + 1 broadcast. */
    static final class K5x2 extends Tile {
        K5x2() { super(5, 2); }

        @Override public void tile(float[] ap, int aOff, float[] bp, int bOff, int kc, float alpha, float beta,
                                   float[] c, int cOff, int ldc, int rows, int cols) {
            FloatVector c0_0 = FloatVector.zero(S), c0_1 = FloatVector.zero(S);
            FloatVector c1_0 = FloatVector.zero(S), c1_1 = FloatVector.zero(S);
            FloatVector c2_0 = FloatVector.zero(S), c2_1 = FloatVector.zero(S);
            FloatVector c3_0 = FloatVector.zero(S), c3_1 = FloatVector.zero(S);
            FloatVector c4_0 = FloatVector.zero(S), c4_1 = FloatVector.zero(S);
            for (int p = 0; p < kc; p++) {
                int bi = bOff + p * 2 * L, ai = aOff + p * 5;
                FloatVector b0 = FloatVector.fromArray(S, bp, bi + 0 * L);
                FloatVector b1 = FloatVector.fromArray(S, bp, bi + 1 * L);
                FloatVector a0 = FloatVector.broadcast(S, ap[ai + 0]);
                c0_0 = b0.fma(a0, c0_0); c0_1 = b1.fma(a0, c0_1);
                FloatVector a1 = FloatVector.broadcast(S, ap[ai + 1]);
                c1_0 = b0.fma(a1, c1_0); c1_1 = b1.fma(a1, c1_1);
                FloatVector a2 = FloatVector.broadcast(S, ap[ai + 2]);
                c2_0 = b0.fma(a2, c2_0); c2_1 = b1.fma(a2, c2_1);
                FloatVector a3 = FloatVector.broadcast(S, ap[ai + 3]);
                c3_0 = b0.fma(a3, c3_0); c3_1 = b1.fma(a3, c3_1);
                FloatVector a4 = FloatVector.broadcast(S, ap[ai + 4]);
                c4_0 = b0.fma(a4, c4_0); c4_1 = b1.fma(a4, c4_1);
            }
            if (rows == 5 && cols == 2 * L) {
                put(c0_0, alpha, beta, c, cOff + 0 * ldc + 0 * L);
                put(c0_1, alpha, beta, c, cOff + 0 * ldc + 1 * L);
                put(c1_0, alpha, beta, c, cOff + 1 * ldc + 0 * L);
                put(c1_1, alpha, beta, c, cOff + 1 * ldc + 1 * L);
                put(c2_0, alpha, beta, c, cOff + 2 * ldc + 0 * L);
                put(c2_1, alpha, beta, c, cOff + 2 * ldc + 1 * L);
                put(c3_0, alpha, beta, c, cOff + 3 * ldc + 0 * L);
                put(c3_1, alpha, beta, c, cOff + 3 * ldc + 1 * L);
                put(c4_0, alpha, beta, c, cOff + 4 * ldc + 0 * L);
                put(c4_1, alpha, beta, c, cOff + 4 * ldc + 1 * L);
                return;
            }
            float[] acc = new float[5 * 2 * L];
            c0_0.intoArray(acc, (0 * 2 + 0) * L);
            c0_1.intoArray(acc, (0 * 2 + 1) * L);
            c1_0.intoArray(acc, (1 * 2 + 0) * L);
            c1_1.intoArray(acc, (1 * 2 + 1) * L);
            c2_0.intoArray(acc, (2 * 2 + 0) * L);
            c2_1.intoArray(acc, (2 * 2 + 1) * L);
            c3_0.intoArray(acc, (3 * 2 + 0) * L);
            c3_1.intoArray(acc, (3 * 2 + 1) * L);
            c4_0.intoArray(acc, (4 * 2 + 0) * L);
            c4_1.intoArray(acc, (4 * 2 + 1) * L);
            GemmCpu.store(acc, 2 * L, alpha, beta, c, cOff, ldc, rows, cols);
        }
    }

}
