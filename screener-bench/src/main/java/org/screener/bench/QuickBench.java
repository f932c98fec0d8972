package org.screener.bench;

import org.screener.core.cpu.GemmCpu;
import org.screener.core.cpu.Parallel;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

    /** One numpy float32 matmul timing: median ms, and which BLAS library and OpenBLAS core ran it. */
    public record NumpyResult(double ms, double gflops, String python, String blas, String core) {}

    // Same shape and protocol as gemm(): float32 n×n @ n×n into a preallocated C, warm-ups (at least half a
    // second) then the median of the timed runs. The BLAS actually loaded is read from /proc/self/maps, since
    // numpy.show_config() on Debian only names the "blas" alternative, not which implementation it points to.
    private static final String NUMPY_SCRIPT = String.join("\n",
            "import sys, time, statistics, ctypes, os",
            "import numpy as np",
            "n, warm, runs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])",
            "rng = np.random.default_rng(42)",
            "a = (rng.random((n, n)) * 2 - 1).astype(np.float32); b = (rng.random((n, n)) * 2 - 1).astype(np.float32)",
            "c = np.empty((n, n), np.float32)",
            "t_end = time.perf_counter() + 0.5; i = 0",
            "while i < warm or (time.perf_counter() < t_end and i < 10000):",
            "    np.matmul(a, b, out=c); i += 1",
            "ts = []",
            "for i in range(runs):",
            "    t0 = time.perf_counter(); np.matmul(a, b, out=c); ts.append((time.perf_counter() - t0) * 1e3)",
            "ref = a[:3].astype(np.float64) @ b.astype(np.float64)",
            "assert np.allclose(c[:3], ref, rtol=1e-4, atol=1e-3), 'numpy result wrong'",
            "libs = sorted({l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l.lower() and l.split()[-1].startswith('/')})",
            "lib = next((l for l in libs if 'openblas' in l.lower() or 'libblas' in l), libs[0] if libs else 'unknown')",
            "core = '-'",
            "try:",
            "    f = ctypes.CDLL(lib).openblas_get_corename; f.restype = ctypes.c_char_p; core = f().decode()",
            "except Exception:",
            "    pass",
            "print('%.4f %s %s' % (statistics.median(ts), os.path.realpath(lib), core))");

    /**
     * Times the same product in numpy (float32 matmul, whatever BLAS numpy loads) with OPENBLAS_NUM_THREADS =
     * threads and OPENBLAS_CORETYPE unset unless {@code coretype} names one (e.g. "Haswell" to emulate AVX2).
     * Tries Debian's /usr/bin/python3 first, then the python3 on PATH. Throws IllegalStateException with the
     * reason when no python with numpy is usable.
     */
    public static NumpyResult numpyGemm(int n, int threads, int warmups, int runs, String coretype) throws Exception {
        if (n < 1 || threads < 1 || runs < 1)
            throw new IllegalArgumentException("bench gemm: bad n=" + n + " threads=" + threads + " runs=" + runs);
        String py = null;
        for (String cand : new String[]{"/usr/bin/python3", "python3"}) {
            if (cand.startsWith("/") && !new File(cand).canExecute()) continue;
            if (python(cand, List.of("-c", "import numpy"), threads, coretype) != null) { py = cand; break; }
        }
        if (py == null) throw new IllegalStateException("no python3 with numpy (tried /usr/bin/python3 and python3 on PATH)");
        List<String> args = new ArrayList<>(List.of("-c", NUMPY_SCRIPT, Integer.toString(n), Integer.toString(warmups), Integer.toString(runs)));
        String out = python(py, args, threads, coretype);
        if (out == null) throw new IllegalStateException("the numpy timing script failed (" + py + ")");
        String[] parts = out.trim().split("\\s+");
        double ms = Double.parseDouble(parts[parts.length - 3]);
        return new NumpyResult(ms, 2.0 * n * n * (double) n / (ms * 1e6), py, parts[parts.length - 2], parts[parts.length - 1]);
    }

    private static String python(String py, List<String> args, int threads, String coretype) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(py);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("OPENBLAS_CORETYPE");
        pb.environment().remove("OPENBLAS_L2_SIZE");
        if (coretype != null && !coretype.isEmpty()) pb.environment().put("OPENBLAS_CORETYPE", coretype);
        String t = Integer.toString(threads);
        pb.environment().put("OPENBLAS_NUM_THREADS", t);
        pb.environment().put("OMP_NUM_THREADS", t);
        pb.environment().put("MKL_NUM_THREADS", t);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process proc;
        try {
            proc = pb.start();
        } catch (java.io.IOException e) {
            return null;   // not on PATH
        }
        StringBuilder sb = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) sb.append(line).append('\n');
        }
        return proc.waitFor() == 0 ? sb.toString() : null;
    }
}
