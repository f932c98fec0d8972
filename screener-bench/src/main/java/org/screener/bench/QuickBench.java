package org.screener.bench;

import org.screener.core.cpu.GemmCpu;
import org.screener.core.cpu.Parallel;

import java.util.Arrays;
import java.util.Random;

/**
 * Quick one-line measurements behind {@code screener bench ...}: warm up, then the median of several timed
 * runs, with the result checked so a broken kernel cannot report a speed. JMH versions live next to it.
 */
public final class QuickBench {
    private QuickBench() {}

    /** Times C = A·B for n×n matrices on the given thread count; returns "gemm n= threads= ms= gflops=". */
    public static String gemm(int n, int threads) {
        return gemm(n, threads, 3, 7);
    }

    public static String gemm(int n, int threads, int warmups, int runs) {
        if (n < 1) throw new IllegalArgumentException("bench gemm: n must be >= 1, got " + n);
        if (threads < 1) throw new IllegalArgumentException("bench gemm: threads must be >= 1, got " + threads);
        if (runs < 1) throw new IllegalArgumentException("bench gemm: runs must be >= 1, got " + runs);
        if ((long) n * n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("bench gemm: n=" + n + " too large for one array");
        Random rnd = new Random(42);
        float[] a = randomMatrix(rnd, n), b = randomMatrix(rnd, n), c = new float[n * n];
        int before = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            // at least `warmups` runs and half a second, so the JIT has compiled the kernel even for small n
            long warmEnd = System.nanoTime() + 500_000_000L;
            for (int i = 0; i < warmups || (System.nanoTime() < warmEnd && i < 10_000); i++) run(n, a, b, c);
            // a full check is O(n^3) in double; sampled entries catch any wrong blocking or edge handling
            verify(n, a, b, c, rnd);
            double[] ms = new double[runs];
            for (int i = 0; i < runs; i++) {
                Arrays.fill(c, Float.NaN);      // beta = 0 must overwrite
                long t0 = System.nanoTime();
                run(n, a, b, c);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            verify(n, a, b, c, rnd);
            Arrays.sort(ms);
            double med = runs % 2 == 1 ? ms[runs / 2] : 0.5 * (ms[runs / 2 - 1] + ms[runs / 2]);
            double gflops = 2.0 * n * n * (double) n / (med * 1e6);
            return String.format(java.util.Locale.ROOT, "gemm n=%d threads=%d ms=%.3f gflops=%.1f", n, threads, med, gflops);
        } finally {
            Parallel.setThreads(before);
        }
    }

    private static void run(int n, float[] a, float[] b, float[] c) {
        GemmCpu.sgemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
    }

    private static float[] randomMatrix(Random rnd, int n) {
        float[] x = new float[n * n];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }

    private static void verify(int n, float[] a, float[] b, float[] c, Random rnd) {
        int samples = Math.min(64, n * n);
        for (int s = 0; s < samples; s++) {
            // always include the corners, where edge tiles live
            int i = s == 0 ? 0 : s == 1 ? n - 1 : rnd.nextInt(n);
            int j = s == 0 ? 0 : s == 1 ? n - 1 : rnd.nextInt(n);
            double exact = 0, mag = 0;
            for (int p = 0; p < n; p++) {
                double t = (double) a[i * n + p] * b[p * n + j];
                exact += t;
                mag += Math.abs(t);
            }
            double got = c[i * n + j];
            if (!(Math.abs(got - exact) <= 1e-5 * mag + 1e-6))
                throw new IllegalStateException("bench gemm: wrong result at (" + i + ", " + j + "): " + got + " vs " + exact
                        + " (kernel " + GemmCpu.kernelName() + ")");
        }
    }
}
