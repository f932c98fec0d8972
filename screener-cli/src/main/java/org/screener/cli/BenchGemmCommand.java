package org.screener.cli;

import picocli.CommandLine.Command;

/** Time single-precision GEMM: one line 'gemm n= threads= ms= gflops='. */
@Command(name = "gemm", description = "Time single-precision GEMM: one line 'gemm n= threads= ms= gflops='.")
public final class BenchGemmCommand implements java.util.concurrent.Callable<Integer> {
    @Override public Integer call() {
        System.err.println("screener gemm: not implemented yet");
        return 2;
    }
}
