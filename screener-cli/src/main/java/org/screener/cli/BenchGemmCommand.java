package org.screener.cli;

import org.screener.bench.QuickBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;

/** Time single-precision GEMM: one line 'gemm n= threads= ms= gflops='. */
@Command(name = "gemm", description = "Time single-precision GEMM (n×n·n×n, median of several checked runs): "
        + "one line 'gemm n= threads= ms= gflops='.")
public final class BenchGemmCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--n", description = "Matrix size (default ${DEFAULT-VALUE}).", defaultValue = "1024")
    int n;

    @Option(names = "--threads", description = "Threads (default: all cores).")
    Integer threads;

    @Option(names = "--runs", description = "Timed runs after warm-up; the median is reported (default ${DEFAULT-VALUE}).", defaultValue = "7")
    int runs;

    @Option(names = "--vs-numpy", description = "also time the same product in numpy (its BLAS, e.g. OpenBLAS) with "
            + "OPENBLAS_NUM_THREADS = threads; a second line 'numpy n= threads= ms= gflops= ratio='")
    boolean vsNumpy;

    @Option(names = "--openblas-coretype", description = "with --vs-numpy: OPENBLAS_CORETYPE for numpy (e.g. Haswell "
            + "to emulate an AVX2-only machine); default unset")
    String coretype;

    @Override public Integer call() throws Exception {
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        String ours = QuickBench.gemm(n, t, 3, runs);
        System.out.println(ours + " kernel=" + org.screener.core.cpu.GemmCpu.kernelName());
        if (vsNumpy) {
            QuickBench.NumpyResult r;
            try {
                r = QuickBench.numpyGemm(n, t, 3, runs, coretype);
            } catch (IllegalStateException e) {
                System.out.println("numpy skipped: " + e.getMessage());
                return 0;
            }
            double oursGflops = Double.parseDouble(ours.substring(ours.lastIndexOf("gflops=") + 7).trim());
            System.out.println(String.format(Locale.ROOT,
                    "numpy n=%d threads=%d ms=%.3f gflops=%.1f ratio=%.2f (screener/numpy speed; %s, blas %s, core %s%s)",
                    n, t, r.ms(), r.gflops(), oursGflops / r.gflops(), r.python(), r.blas(), r.core(),
                    coretype != null ? ", OPENBLAS_CORETYPE=" + coretype : ""));
        }
        return 0;
    }
}
