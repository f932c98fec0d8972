package org.screener.core;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.screener.core.cpu.GemmCpu;
import org.screener.core.cpu.GemmCpu.Path;
import org.screener.core.cpu.Parallel;
import org.screener.core.ref.GemmRef;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every GEMM path against the double-precision triple loop {@link GemmRef} on awkward shapes and layouts. */
class GemmTest {
    /** One problem: sizes, transposes, padding of the leading dimensions and offsets, alpha/beta. */
    private static final class Case {
        final boolean ta, tb;
        final int m, n, k, lda, ldb, ldc, ao, bo, co;
        final float alpha, beta;
        final float[] a, b, c0;

        Case(Random rnd, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, boolean pad) {
            this.ta = ta; this.tb = tb; this.m = m; this.n = n; this.k = k; this.alpha = alpha; this.beta = beta;
            int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
            lda = aCols + (pad ? 3 : 0);
            ldb = bCols + (pad ? 5 : 0);
            ldc = n + (pad ? 2 : 0);
            ao = pad ? 7 : 0; bo = pad ? 11 : 0; co = pad ? 13 : 0;
            a = random(rnd, ao + aRows * lda + 4);
            b = random(rnd, bo + bRows * ldb + 4);
            c0 = random(rnd, co + m * ldc + 4);
            if (beta == 0f) Arrays.fill(c0, Float.NaN);  // must be overwritten, never read
        }

        float[] run(Path path) {
            float[] c = c0.clone();
            GemmCpu.sgemm(path, ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
            return c;
        }

        /** Checks the C window against the reference and that nothing outside it changed. */
        void check(Path path, float[] c) {
            double[] cd = new double[c0.length];
            for (int i = 0; i < cd.length; i++) cd[i] = Float.isNaN(c0[i]) ? Double.NaN : c0[i];
            GemmRef.gemm(ta, tb, m, n, k, alpha, toDouble(a), ao, lda, toDouble(b), bo, ldb, beta, cd, co, ldc);
            for (int i = 0; i < c.length; i++) {
                int r = (i - co) / ldc, col = (i - co) % ldc;
                boolean inside = i >= co && r < m && col < n;
                String where = path + " " + this + " at " + i;
                if (!inside) {
                    assertEquals(Float.floatToIntBits(c0[i]), Float.floatToIntBits(c[i]), "written outside C: " + where);
                    continue;
                }
                // error grows with k; scale by the magnitudes involved (inputs are in [-1, 1))
                double tol = 1e-5 * (Math.abs(alpha) * k + Math.abs(beta)) + 1e-6;
                assertTrue(Math.abs(c[i] - cd[i]) <= tol, where + ": " + c[i] + " vs " + cd[i]);
            }
        }

        @Override public String toString() {
            return "m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb + " alpha=" + alpha + " beta=" + beta
                    + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc;
        }
    }

    private static float[] random(Random rnd, int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    private static final int[][] SHAPES = {
            {1, 1, 1}, {7, 1, 3}, {1, 33, 7}, {7, 33, 1}, {33, 7, 129}, {129, 33, 7}, {5, 257, 33},
            {257, 129, 33}, {33, 65, 257}, {130, 97, 300}, {4, 32, 256}, {8, 64, 512}};

    private static final float[][] ALPHA_BETA = {{1f, 0f}, {0.5f, 1f}, {-1.5f, 0.25f}};

    private static void sweep(Path path) {
        Random rnd = new Random(7);
        int count = 0;
        for (int[] s : SHAPES)
            for (int t = 0; t < 4; t++) {
                float[] ab = ALPHA_BETA[count % ALPHA_BETA.length];
                Case cs = new Case(rnd, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], ab[0], ab[1], count % 2 == 1);
                cs.check(path, cs.run(path));
                count++;
            }
    }

    @Test
    void vectorKernelMatchesReference() {
        Assumptions.assumeTrue(GemmCpu.vectorAvailable(), "jdk.incubator.vector not present");
        sweep(Path.VECTOR);
    }

    /** Every vector tile shape at this JVM's preferred width, several blocks deep, bit-identical across threads. */
    @Test
    void everyVectorTileAtThisWidthMatchesReference() {
        Assumptions.assumeTrue(GemmCpu.vectorAvailable(), "jdk.incubator.vector not present");
        assertTrue(Arrays.asList(GemmCpu.vectorTiles()).contains(GemmCpu.chosenVectorTile()));
        java.util.List<String> bad = GemmTileCheck.run();
        assertTrue(bad.isEmpty(), bad.size() + " failures, first: " + (bad.isEmpty() ? "" : bad.get(0)));
    }

    /**
     * The 256-bit tiles, in a JVM started with -XX:UseAVX=2 (so SPECIES_PREFERRED is 256-bit even on an
     * AVX-512 machine; mixing two widths in this JVM would slow C2 down for the rest of the run).
     */
    @Test
    void the256BitTilesMatchReferenceInAnAvx2Jvm() throws Exception {
        Assumptions.assumeTrue(GemmCpu.vectorAvailable(), "jdk.incubator.vector not present");
        java.nio.file.Path cpuinfo = java.nio.file.Path.of("/proc/cpuinfo");
        Assumptions.assumeTrue(java.nio.file.Files.isReadable(cpuinfo), "no /proc/cpuinfo: cannot tell whether the CPU has AVX2");
        boolean avx2 = java.nio.file.Files.readAllLines(cpuinfo).stream()
                .anyMatch(l -> l.startsWith("flags") && Arrays.asList(l.split("\\s+")).contains("avx2"));
        Assumptions.assumeTrue(avx2, "CPU has no AVX2: no 256-bit path to test");
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-XX:UseAVX=2", "--add-modules", "jdk.incubator.vector", "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), GemmTileCheck.class.getName());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        int rc = p.waitFor();
        assertEquals(0, rc, "forked -XX:UseAVX=2 check failed:\n" + out);
        assertTrue(out.contains("lanes=8 "), "the forked JVM should use 8-lane (256-bit) vectors:\n" + out);
    }

    @Test
    void scalarKernelMatchesReference() { sweep(Path.SCALAR); }

    @Test
    void simpleLoopMatchesReference() { sweep(Path.SIMPLE); }

    @Test
    void autoPathMatchesReference() { sweep(Path.AUTO); }

    /** The shapes conv3d sends: few output channels, long spatial axis, K = Cin * 27 or tiny. */
    @Test
    void convShapes() {
        Random rnd = new Random(3);
        int[][] shapes = {{32, 1000, 864}, {32, 1031, 27}, {27, 1031, 32}, {32, 864, 1031}};
        for (int[] s : shapes)
            for (int t = 0; t < 4; t++) {
                Case cs = new Case(rnd, (t & 1) != 0, (t & 2) != 0, s[0], s[1], s[2], 1f, t == 3 ? 1f : 0f, false);
                cs.check(Path.AUTO, cs.run(Path.AUTO));
            }
    }

    /** Tiling changes with the thread count; each element's sum must not (same order, bit-identical). */
    @Test
    void multiThreadEqualsSingleThread() {
        int before = Parallel.threads();
        Random rnd = new Random(11);
        Path[] paths = GemmCpu.vectorAvailable() ? new Path[]{Path.VECTOR, Path.SCALAR} : new Path[]{Path.SCALAR};
        try {
            for (Path path : paths)
                for (int[] s : new int[][]{{257, 300, 129}, {32, 2000, 97}, {300, 31, 513}}) {
                    Case cs = new Case(rnd, false, true, s[0], s[1], s[2], 1.25f, 0.5f, true);
                    Parallel.setThreads(1);
                    float[] one = cs.run(path);
                    Parallel.setThreads(3);
                    float[] three = cs.run(path);
                    assertArrayEquals(one, three, path + " " + cs);
                    cs.check(path, three);
                }
        } finally {
            Parallel.setThreads(before);
        }
    }

    /** Callers such as conv3d run gemm inside their own parallel loop: per-thread buffers must not clash. */
    @Test
    void concurrentCallsFromAParallelLoop() {
        Random rnd = new Random(13);
        Case[] cases = new Case[6];
        float[][] expected = new float[cases.length][], got = new float[cases.length][];
        for (int i = 0; i < cases.length; i++) {
            cases[i] = new Case(rnd, i % 2 == 1, i % 3 == 1, 70 + i, 90 + 3 * i, 300 - 7 * i, 1f, 0f, true);
            expected[i] = cases[i].run(Path.AUTO);
        }
        int before = Parallel.threads();
        try {
            Parallel.setThreads(3);
            Parallel.forRange(cases.length, 1, (lo, hi) -> {
                for (int i = lo; i < hi; i++) got[i] = cases[i].run(Path.AUTO);
            });
        } finally {
            Parallel.setThreads(before);
        }
        for (int i = 0; i < cases.length; i++) assertArrayEquals(expected[i], got[i], cases[i].toString());
    }

    @Test
    void zeroSizesAndAlphaZero() {
        float[] c = {Float.NaN, 2f, 3f};
        GemmCpu.sgemm(false, false, 1, 3, 0, 1f, new float[0], 0, 1, new float[0], 0, 3, 0f, c, 0, 3);
        assertArrayEquals(new float[]{0f, 0f, 0f}, c);
        float[] d = {1f, 2f};
        GemmCpu.sgemm(false, false, 1, 2, 1, 0f, new float[]{3f}, 0, 1, new float[]{1f, 1f}, 0, 2, 2f, d, 0, 2);
        assertArrayEquals(new float[]{2f, 4f}, d);
        GemmCpu.sgemm(false, false, 0, 0, 5, 1f, new float[0], 0, 5, new float[0], 0, 1, 0f, new float[0], 0, 1);
    }

    @Test
    void badArgumentsNameTheProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                GemmCpu.sgemm(false, false, 4, 4, 4, 1f, new float[15], 0, 4, new float[16], 0, 4, 0f, new float[16], 0, 4));
        assertTrue(e.getMessage().contains("sgemm") && e.getMessage().contains("A"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () ->
                GemmCpu.sgemm(false, false, 4, 4, 4, 1f, new float[16], 0, 3, new float[16], 0, 4, 0f, new float[16], 0, 4));
        assertTrue(e.getMessage().contains("lda=3"), e.getMessage());
    }
}
