package org.screener.core;

import org.screener.core.cpu.GemmCpu;
import org.screener.core.cpu.Parallel;
import org.screener.core.ref.GemmRef;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Every vector GEMM tile shape, with blocking small enough to give several K-, M- and N-blocks, against
 * {@link GemmRef} on awkward sizes (transposes, alpha/beta, offsets, padded leading dimensions), plus
 * bit-identical results run to run and across thread counts. A main so that {@link GemmTest} can run it in a
 * JVM of another vector width (-XX:UseAVX=2): species of two widths must not meet in one JVM.
 */
public final class GemmTileCheck {
    private GemmTileCheck() {}

    private static final int[][] SIZES = {
            {1, 1, 1}, {7, 1, 3}, {1, 33, 7}, {13, 47, 129}, {129, 33, 7}, {5, 257, 33}, {66, 131, 61}, {37, 97, 300}};
    private static final float[][] ALPHA_BETA = {{1f, 0f}, {0.5f, 1f}, {-1.5f, 0.25f}};

    /** Runs the checks; returns the failures (empty when all pass). */
    public static List<String> run() {
        List<String> bad = new ArrayList<>();
        Random rnd = new Random(17);
        int count = 0;
        int before = Parallel.threads();
        try {
            for (String tile : GemmCpu.vectorTiles())
                for (int[] s : SIZES)
                    for (int t = 0; t < 4; t++, count++) {
                        boolean ta = (t & 1) != 0, tb = (t & 2) != 0, pad = count % 2 == 1;
                        float[] ab = ALPHA_BETA[count % ALPHA_BETA.length];
                        int m = s[0], n = s[1], k = s[2];
                        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
                        int lda = aCols + (pad ? 3 : 0), ldb = bCols + (pad ? 5 : 0), ldc = n + (pad ? 2 : 0);
                        int ao = pad ? 7 : 0, bo = pad ? 11 : 0, co = pad ? 13 : 0;
                        float[] a = random(rnd, ao + aRows * lda + 4), b = random(rnd, bo + bRows * ldb + 4);
                        float[] c0 = random(rnd, co + m * ldc + 4);
                        if (ab[1] == 0f) Arrays.fill(c0, Float.NaN);   // beta = 0 must overwrite, never read
                        // kc 40 with k = 300: several equal K-blocks; mc/nc of a few tiles give edge blocks
                        int kc = 40 + count % 3 * 50, mc = 24, nc = 2 * GemmCpu.vectorLanes() * (1 + count % 3);
                        float[][] got = new float[3][];
                        for (int r = 0; r < 3; r++) {
                            Parallel.setThreads(r == 2 ? 3 : 1);
                            got[r] = c0.clone();
                            GemmCpu.sgemmTile(tile, kc, mc, nc, ta, tb, m, n, k, ab[0], a, ao, lda, b, bo, ldb, ab[1], got[r], co, ldc);
                        }
                        String what = "tile " + tile + " m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb
                                + " alpha=" + ab[0] + " beta=" + ab[1] + " pad=" + pad + " kc=" + kc + " mc=" + mc + " nc=" + nc;
                        if (!Arrays.equals(got[0], got[1])) bad.add(what + ": two runs differ");
                        if (!Arrays.equals(got[0], got[2])) bad.add(what + ": 1 and 3 threads differ");
                        String e = compare(ta, tb, m, n, k, ab[0], a, ao, lda, b, bo, ldb, ab[1], c0, got[0], co, ldc);
                        if (e != null) bad.add(what + ": " + e);
                    }
        } finally {
            Parallel.setThreads(before);
        }
        return bad;
    }

    private static String compare(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int ao, int lda,
                                  float[] b, int bo, int ldb, float beta, float[] c0, float[] c, int co, int ldc) {
        double[] cd = new double[c0.length];
        for (int i = 0; i < cd.length; i++) cd[i] = c0[i];
        GemmRef.gemm(ta, tb, m, n, k, alpha, toDouble(a), ao, lda, toDouble(b), bo, ldb, beta, cd, co, ldc);
        double tol = 1e-5 * (Math.abs(alpha) * k + Math.abs(beta)) + 1e-6;
        for (int i = 0; i < c.length; i++) {
            int r = (i - co) / ldc, col = (i - co) % ldc;
            boolean inside = i >= co && r < m && col < n;
            if (!inside) {
                if (Float.floatToIntBits(c0[i]) != Float.floatToIntBits(c[i])) return "written outside C at " + i;
            } else if (!(Math.abs(c[i] - cd[i]) <= tol)) {
                return "at " + i + " (row " + r + ", col " + col + "): " + c[i] + " vs " + cd[i];
            }
        }
        return null;
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

    /** Prints "lanes=L chosen=SHAPE tiles=N ok" and exits 0, or prints the failures and exits 1. */
    public static void main(String[] args) {
        if (!GemmCpu.vectorAvailable()) {
            System.out.println("no Vector API");
            System.exit(2);
        }
        List<String> bad = run();
        for (String s : bad) System.out.println("FAIL " + s);
        System.out.println("lanes=" + GemmCpu.vectorLanes() + " chosen=" + GemmCpu.chosenVectorTile() + " kernel="
                + GemmCpu.kernelName() + " tiles=" + GemmCpu.vectorTiles().length + (bad.isEmpty() ? " ok" : " FAILED " + bad.size()));
        System.exit(bad.isEmpty() ? 0 : 1);
    }
}
