package org.screener.cli;

import org.screener.bench.QuickBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

    @Override public Integer call() {
        int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        System.out.println(QuickBench.gemm(n, t, 3, runs));
        return 0;
    }
}
